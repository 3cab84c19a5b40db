"""Test settings: the real settings, with the few defaults a test run needs.

Everything else (DATABASE_URL, CACHE_URL, …) still comes from the
environment, so `DATABASE_URL=postgres://… make test` tests PostgreSQL.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-real-site-0123456789abcdef")
os.environ.setdefault("HTTPS_ONLY", "0")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("EMAIL_URL", "locmem://")

from headache_site.settings import *

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / ".test-media"
# Static files straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
