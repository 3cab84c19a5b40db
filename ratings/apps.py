from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = "Ratings"

    def ready(self):
        from articles.caching import register_live_region

        from .widget import shared_figures

        # A vote re-renders only the figures of a cached article page.
        register_live_region("rating", shared_figures)
