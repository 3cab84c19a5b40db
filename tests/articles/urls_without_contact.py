"""The site's URLs without the contact page: an article page then has no route for readers' feedback."""

from headache_site.urls import urlpatterns as site_urlpatterns

urlpatterns = [pattern for pattern in site_urlpatterns if getattr(pattern, "name", None) != "contact"]
