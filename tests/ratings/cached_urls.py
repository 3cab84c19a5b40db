"""The site's URLs with the article page behind Django's page cache, as a CDN or cache_page would serve it."""

from django.urls import path
from django.views.decorators.cache import cache_page

from articles.views import ArticleDetailView
from headache_site.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("articles/<str:slug>/", cache_page(300)(ArticleDetailView.as_view())),
    *site_urlpatterns,
]
