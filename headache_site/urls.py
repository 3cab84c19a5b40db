"""Root URLs: each app owns its own; this file only mounts them."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from django.views.static import serve

from articles.caching import shared_page

from . import health


def page(template_name: str):
    """A page about the site: the same for every reader, kept and purged like the articles' pages."""
    return shared_page(TemplateView.as_view(template_name=template_name))


urlpatterns = [
    path("", include("articles.urls")),
    path("ratings/", include("ratings.urls")),
    path("comments/", include("comments.urls")),
    path("admin/", admin.site.urls),
    path("about/", page("pages/about.html"), name="about"),
    path("editorial-policy/", page("pages/editorial_policy.html"), name="editorial-policy"),
    path("privacy/", page("pages/privacy.html"), name="privacy"),
    path("contact/", page("pages/contact.html"), name="contact"),
    path("healthz", health.healthz, name="healthz"),
    path("livez", health.livez, name="livez"),
]

if settings.MEDIA_URL.startswith("/"):
    # Local media files (the default storage). Object storage serves its own.
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

handler404 = "articles.views.page_not_found"
handler500 = "articles.views.server_error"
