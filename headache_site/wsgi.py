"""
WSGI config for headache_site project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/6.1/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headache_site.settings")

django_application = get_wsgi_application()

# Anonymous readers' cache hits are answered before Django's request handling.
from articles.caching import ReaderPageCacheApplication  # noqa: E402  (needs the apps loaded)

application = ReaderPageCacheApplication(django_application)
