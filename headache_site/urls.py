"""Root URLs: each app owns its own; this file only mounts them."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from django.views.static import serve

from . import health

urlpatterns = [
    path("", include("articles.urls")),
    path("ratings/", include("ratings.urls")),
    path("comments/", include("comments.urls")),
    path("admin/", admin.site.urls),
    path("about/", TemplateView.as_view(template_name="pages/about.html"), name="about"),
    path(
        "editorial-policy/", TemplateView.as_view(template_name="pages/editorial_policy.html"), name="editorial-policy"
    ),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("contact/", TemplateView.as_view(template_name="pages/contact.html"), name="contact"),
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
