"""The site mounted under /read/, for the test that an article's address follows the URL configuration."""

from django.urls import include, path

urlpatterns = [path("read/", include("headache_site.urls"))]
