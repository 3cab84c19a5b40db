"""WSGI entry point: `gunicorn -c gunicorn.conf.py headache_site.wsgi`.

https://docs.djangoproject.com/en/6.1/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headache_site.settings")

application = get_wsgi_application()
