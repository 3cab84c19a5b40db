from django.apps import AppConfig
from django.conf import settings


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = "Ratings"

    def ready(self):
        from articles.caching import register_live_region

        from .widget import live_rating

        # A vote re-renders only the star widget of a cached article page; a reader who
        # voted gets the cached page with the widget rendered for them (their vote checked).
        register_live_region("rating", live_rating, personal_cookies=(settings.RATINGS_VOTER_COOKIE_NAME,))
