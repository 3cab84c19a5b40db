from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = "Ratings"

    def ready(self):
        from articles import reader

        from .readers import reader_figures

        # A shared article page shows the figures it was rendered with; the reader request
        # gives the live ones and this reader's own vote.
        reader.register("rating", reader_figures)
