from django.core.management.base import BaseCommand

from articles.caching import purge_site


class Command(BaseCommand):
    help = (
        "Drop every page from this site's cache and the caches in front (Varnish, the CDN): run it once a release "
        "that changes templates or static files is live on every host."
    )

    def handle(self, *args, **options):
        purge_site()  # the caches in front get it before the command exits
        self.stdout.write("Every page is purged: readers get pages rendered by this release.")
