"""URLs for tests that need a view which fails, to see the 500 page as a reader would."""

from django.urls import include, path


def explode(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("boom/", explode),
    path("", include("headache_site.urls")),
]
