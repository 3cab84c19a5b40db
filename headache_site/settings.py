"""Settings for the health-articles site, driven by the environment.

Every value that differs between a laptop and production comes from an
environment variable with a safe local default; the README lists them all.
Tests use ``headache_site.settings_test``, which only fills in test defaults.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no variable; anything but a clear yes or no is an error."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {raw!r}.")


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# ---------------------------------------------------------------- core

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production mode (DEBUG off) needs a long random "
            "SECRET_KEY in the environment; for local development set DEBUG=1 "
            "(`make run` does)."
        )
    SECRET_KEY = "django-insecure-local-development-only-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "markdownx",
    "articles",
    "ratings",
    "comments",
]

MIDDLEWARE = [
    # Outermost, so it also sees answers given before any other middleware ran (a bad Host header's 400):
    # fills in missing security headers, and makes a response that varies on cookies private unless it
    # says it may be shared.
    "headache_site.hardening.HardenEveryResponseMiddleware",
    "headache_site.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",  # ETags and 304s for every page, shared or not
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # A NUL character in an address is refused (400) before any view or query sees it
    # (PostgreSQL refuses text with one); inside the CSP middleware, so the 400 is hardened too.
    "headache_site.security.RefuseNulCharactersMiddleware",
    "articles.middleware.RedirectFallbackMiddleware",
    "articles.middleware.HistoryRequestMiddleware",  # who changed an article, in its history
    # django-axes: see "login protection" below.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "headache_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "headache_site.wsgi.application"

# ---------------------------------------------------------------- database

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait for each other instead of failing with
    # "database is locked": WAL lets readers run beside one writer, IMMEDIATE
    # takes the write lock at BEGIN, and the timeout is how long to wait.
    # Connections are kept (CONN_MAX_AGE) like PostgreSQL's: opening one runs
    # these pragmas, which would otherwise cost every request half a millisecond.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a real file, so WAL and cross-thread tests behave as in use.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
# TEST_DATABASE_NAME lets two test runs on one machine use separate databases.
if env_str("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------- cache


def cache_from_url(url: str) -> dict:
    """Turn CACHE_URL into a CACHES entry: locmem:// (default) or redis(s)://."""
    scheme = urlsplit(url).scheme
    if scheme in {"redis", "rediss"}:
        return {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "health"),
            "TIMEOUT": 300,
        }
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "site",
            # Purge times and fragments live here; a flood of pages must never push them out (pages
            # have an alias of their own).
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"CACHE_URL must start with redis://, rediss://, locmem:// or dummy://, not {url!r}.")


CACHE_URL = env_str("CACHE_URL", "locmem://")
CACHES = {"default": cache_from_url(CACHE_URL)}
# Shared pages (Django's cache middleware) and {% cache %} fragments are kept in each process's memory:
# whether a copy is current is decided by the purge numbers in "default", which every process and host
# shares (articles/caching.py), so a copy is never served once a purge anywhere has made it stale, and a
# hit costs one round trip to Redis instead of three and a page's transfer. Many addresses (search queries,
# a crawler's made-up query strings) only push out other pages.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
    "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_ENTRIES", 200)},
}
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": env_int("FRAGMENT_CACHE_ENTRIES", 1000)},
}
# Rate limits and flood control must be counted where every worker process
# sees the same figure: Redis when configured, otherwise a database table
# (never the per-process local-memory cache).
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    CACHES["shared"] = {**CACHES["default"], "KEY_PREFIX": CACHES["default"]["KEY_PREFIX"] + "-shared"}
else:
    CACHES["shared"] = {
        "BACKEND": "headache_site.counter_cache.CounterDatabaseCache",
        "LOCATION": "shared_counters",
    }

# ---------------------------------------------------------------- auth

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# ---------------------------------------------------------------- i18n

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------- static and media

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 60 if DEBUG else 31536000
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# ---------------------------------------------------------------- email


def mailer_from_url(url: str) -> dict:
    """Turn EMAIL_URL into a MAILERS entry: console:// (default), smtp://, smtps://, submission://, locmem://."""
    parts = urlsplit(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
        "submission": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parts.scheme not in backends:
        raise ImproperlyConfigured(f"EMAIL_URL must use one of {sorted(backends)}, not {url!r}.")
    mailer = {"BACKEND": backends[parts.scheme]}
    if parts.scheme in {"smtp", "smtps", "submission"}:
        query = parse_qs(parts.query)
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"EMAIL_URL has a port that is not a number from 0 to 65535: {url!r}.") from None
        mailer["OPTIONS"] = {
            "host": parts.hostname or "localhost",
            "port": port or {"smtps": 465, "submission": 587}.get(parts.scheme, 25),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_ssl": parts.scheme == "smtps",
            # STARTTLS; never together with smtps (implicit TLS), which the backend refuses.
            "use_tls": parts.scheme == "submission" or (parts.scheme == "smtp" and query.get("tls") == ["1"]),
            "timeout": 10,
        }
    return mailer


# Production defaults to the local mail server; the console backend is for development only.
MAILERS = {"default": mailer_from_url(env_str("EMAIL_URL", "console://" if DEBUG else "smtp://localhost"))}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Headache Health <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ---------------------------------------------------------------- security

# How many reverse proxies stand in front and are trusted to set
# X-Forwarded-For / X-Forwarded-Proto (see headache_site/proxies.py).
NUM_PROXIES = env_int("NUM_PROXIES", 0)
if NUM_PROXIES < 0:
    raise ImproperlyConfigured("NUM_PROXIES cannot be negative.")
if NUM_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

HTTPS_ONLY = env_bool("HTTPS_ONLY", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS_ONLY
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_HSTS_SECONDS = 31536000 if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
# Joining the browsers' preload list binds the domain and its subdomains to HTTPS for
# months, so it is a deliberate decision (HSTS_PRELOAD=1), not a default.
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
X_FRAME_OPTIONS = "DENY"

# Only our own origin. Readers' pages load scripts from files ('self'); the admin's inline parts carry
# Django's per-request nonce, which only pages that use it get.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"] + ([MEDIA_URL] if MEDIA_URL.startswith("https://") else []),
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# ---------------------------------------------------------------- logging

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# ---------------------------------------------------------------- the site

SITE_NAME = env_str("SITE_NAME", "Headache Health")
# Absolute base for canonical links, feeds and sitemaps when set
# (e.g. https://health.example); otherwise the request's own host.
SITE_URL = env_str("SITE_URL").rstrip("/")
# Keyed hashes of client addresses use this secret (defaults to SECRET_KEY).
ADDRESS_HASH_KEY = env_str("ADDRESS_HASH_KEY") or SECRET_KEY

# django-markdownx: our own sanitising renderer, our own permission-checked URLs.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "articles.markdown.markdownify"
MARKDOWNX_URLS_PATH = "/editor/markdown/preview/"
MARKDOWNX_UPLOAD_URLS_PATH = "/editor/markdown/upload/"
MARKDOWNX_SERVER_CALL_LATENCY = 400

# Image uploads (editor and hero images): limits checked on the bytes.
ARTICLE_IMAGE_MAX_BYTES = env_int("ARTICLE_IMAGE_MAX_BYTES", 8 * 1024 * 1024)
ARTICLE_IMAGE_MAX_PIXELS = env_int("ARTICLE_IMAGE_MAX_PIXELS", 40_000_000)
ARTICLE_IMAGE_MAX_SIDE = env_int("ARTICLE_IMAGE_MAX_SIDE", 2400)
# Months between a medical review and the next one due.
ARTICLE_REVIEW_INTERVAL_MONTHS = env_int("ARTICLE_REVIEW_INTERVAL_MONTHS", 12)

# ---------------------------------------------------------------- comments


def env_limits(name: str, default: str) -> list[tuple[int, int]]:
    """Read "count/seconds" pairs, e.g. "1/15,20/3600": one per 15 seconds and 20 per hour."""
    try:
        return [(int(count), int(seconds)) for count, seconds in (item.split("/") for item in env_list(name, default))]
    except ValueError:
        raise ImproperlyConfigured(f"{name} must look like 1/15,20/3600 (count/seconds pairs).") from None


# Seconds a reader must spend on the page before a comment counts as human (faster is spam).
COMMENTS_MIN_SECONDS = env_int("COMMENTS_MIN_SECONDS", 3)
# Seconds a served comment form stays valid; older forms ask the reader to send again (text kept).
COMMENTS_FORM_MAX_AGE = env_int("COMMENTS_FORM_MAX_AGE", 2 * 24 * 3600)
# More links than this in one comment hold it for moderation.
COMMENTS_MAX_LINKS = env_int("COMMENTS_MAX_LINKS", 2)
# The same body from the same address or email within this many seconds is spam.
COMMENTS_DUPLICATE_WINDOW = env_int("COMMENTS_DUPLICATE_WINDOW", 600)
# Flood control per client address (count/seconds pairs), counted in caches["shared"].
COMMENTS_FLOOD_LIMITS = env_limits("COMMENTS_FLOOD_LIMITS", "1/15,20/3600")
# Returning commenters with a verified email and an approved comment skip the queue.
COMMENTS_AUTO_APPROVE_VERIFIED = env_bool("COMMENTS_AUTO_APPROVE_VERIFIED", True)
# Days after publication when an article's comments close by themselves (0: never).
COMMENTS_CLOSE_AFTER_DAYS = env_int("COMMENTS_CLOSE_AFTER_DAYS", 365)
# Reports from this many different readers send an approved comment back to the queue.
COMMENTS_REPORT_THRESHOLD = env_int("COMMENTS_REPORT_THRESHOLD", 3)
# Comments per page on an article (whole threads are kept together on one page).
COMMENTS_PER_PAGE = env_int("COMMENTS_PER_PAGE", 50)
# Extra addresses told about new pending comments (besides users in the Moderators group).
COMMENTS_MODERATOR_EMAILS = env_list("COMMENTS_MODERATOR_EMAILS")
# Days a "confirm your email" link stays valid.
COMMENTS_VERIFY_MAX_AGE_DAYS = env_int("COMMENTS_VERIFY_MAX_AGE_DAYS", 7)

# ---------------------------------------------------------------- ratings

# Votes one client address may cast across the site per window (seconds).
RATINGS_RATE_LIMIT = env_int("RATINGS_RATE_LIMIT", 30)
RATINGS_RATE_WINDOW = env_int("RATINGS_RATE_WINDOW", 600)
# Days the keyed hash of a voter's address is kept (`manage.py prune_vote_addresses`).
RATINGS_ADDRESS_RETENTION_DAYS = env_int("RATINGS_ADDRESS_RETENTION_DAYS", 30)
# The reader cookie: a signed random id that makes "one vote per reader" work without an account.
RATINGS_VOTER_COOKIE_NAME = env_str("RATINGS_VOTER_COOKIE_NAME", "reader")
RATINGS_VOTER_COOKIE_DAYS = env_int("RATINGS_VOTER_COOKIE_DAYS", 730)
# aggregateRating in the article JSON-LD: off unless turned on, and only from this many votes.
RATINGS_STRUCTURED_DATA = env_bool("RATINGS_STRUCTURED_DATA", False)
RATINGS_STRUCTURED_DATA_MIN_VOTES = env_int("RATINGS_STRUCTURED_DATA_MIN_VOTES", 5)
# Home page "top rated": Bayesian average with prior mean m and weight C (in votes).
RATINGS_TOP_RATED_COUNT = env_int("RATINGS_TOP_RATED_COUNT", 5)
RATINGS_PRIOR_WEIGHT = env_int("RATINGS_PRIOR_WEIGHT", 10)
try:
    RATINGS_PRIOR_MEAN = float(env_str("RATINGS_PRIOR_MEAN", "3.5"))
except ValueError:
    raise ImproperlyConfigured("RATINGS_PRIOR_MEAN must be a number from 1 to 5, e.g. 3.5.") from None
if not 1 <= RATINGS_PRIOR_MEAN <= 5 or RATINGS_PRIOR_WEIGHT < 0 or RATINGS_RATE_LIMIT < 1 or RATINGS_RATE_WINDOW < 1:
    raise ImproperlyConfigured(
        "RATINGS_PRIOR_MEAN must be 1–5, RATINGS_PRIOR_WEIGHT 0 or more, RATINGS_RATE_LIMIT/WINDOW at least 1."
    )

# ---- wordpress import
# `manage.py import_wordpress EXPORT.xml`: moves a WordPress site's posts, comments and ratings over.
INSTALLED_APPS += ["wordpress"]

# ---------------------------------------------------------------- editorial workflow

# Revisions of articles and their references (who, when, what changed): django-simple-history.
INSTALLED_APPS += ["simple_history"]
# Days ahead that count as "review soon due" (admin index, `manage.py review_due`).
ARTICLE_REVIEW_SOON_DAYS = env_int("ARTICLE_REVIEW_SOON_DAYS", 30)

# ---------------------------------------------------------------- shared pages and the caches in front

# Seconds Varnish, a CDN or Django's own cache may keep a page every anonymous reader shares (s-maxage):
# pages are purged when what they show changes, so this only bounds a purge that never arrives.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 86400)
# Seconds a reader's browser may reuse such a page without asking again (max-age).
BROWSER_CACHE_SECONDS = env_int("BROWSER_CACHE_SECONDS", 60)
# Seconds a {% cache %} fragment (the comment thread, an article's text) is kept; its key changes with
# the content, so this only bounds memory.
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 86400)
if min(PAGE_CACHE_SECONDS, BROWSER_CACHE_SECONDS, FRAGMENT_CACHE_SECONDS) < 0:
    raise ImproperlyConfigured(
        "PAGE_CACHE_SECONDS, BROWSER_CACHE_SECONDS and FRAGMENT_CACHE_SECONDS cannot be negative."
    )
# One page is purged from the caches in front at most once in this many seconds, however often it changes.
try:
    PURGE_INTERVAL = float(env_str("PURGE_INTERVAL", "1"))
except ValueError:
    raise ImproperlyConfigured("PURGE_INTERVAL must be a number of seconds, e.g. 1 or 0.5.") from None


def frontend_caches() -> dict[str, dict]:
    """The caches in front that get purges (articles/frontend_cache.py), from the environment."""
    caches = {}
    if purge_urls := env_list("PURGE_URLS"):  # each Varnish, e.g. http://10.0.0.5:6081
        for url in purge_urls:
            if urlsplit(url).scheme not in {"http", "https"}:
                raise ImproperlyConfigured(f"PURGE_URLS must list http:// addresses of Varnish servers, not {url!r}.")
        caches["varnish"] = {"BACKEND": "articles.frontend_cache.VarnishBackend", "URLS": purge_urls}
    if zone := env_str("CLOUDFLARE_ZONE_ID"):
        if not env_str("CLOUDFLARE_API_TOKEN"):
            raise ImproperlyConfigured("CLOUDFLARE_ZONE_ID needs CLOUDFLARE_API_TOKEN (a token allowed to purge).")
        caches["cloudflare"] = {
            "BACKEND": "articles.frontend_cache.CloudflareBackend",
            "ZONE_ID": zone,
            "API_TOKEN": env_str("CLOUDFLARE_API_TOKEN"),
            "API_URL": env_str("CLOUDFLARE_API_URL", "https://api.cloudflare.com/client/v4"),
        }
    if service := env_str("FASTLY_SERVICE_ID"):
        if not env_str("FASTLY_API_TOKEN"):
            raise ImproperlyConfigured("FASTLY_SERVICE_ID needs FASTLY_API_TOKEN (a token allowed to purge).")
        caches["fastly"] = {
            "BACKEND": "articles.frontend_cache.FastlyBackend",
            "SERVICE_ID": service,
            "API_TOKEN": env_str("FASTLY_API_TOKEN"),
            "API_URL": env_str("FASTLY_API_URL", "https://api.fastly.com"),
        }
    if distribution := env_str("CLOUDFRONT_DISTRIBUTION_ID"):
        caches["cloudfront"] = {
            "BACKEND": "articles.frontend_cache.CloudFrontBackend",
            "DISTRIBUTION_ID": distribution,
            "ENDPOINT_URL": env_str("CLOUDFRONT_ENDPOINT_URL"),
        }
    return caches


FRONTEND_CACHES = frontend_caches()

# ---------------------------------------------------------------- production wiring
# Object storage, Redis timeouts and fallbacks, sessions, JSON logs and read
# replicas; the README's "Deploying" section lists every variable.

# Where `collectstatic` writes and whitenoise serves from.
STATIC_ROOT = Path(env_str("STATIC_ROOT") or STATIC_ROOT)


def object_storage(
    *, bucket: str, media_url: str, endpoint_url: str = "", region: str = "", location: str = ""
) -> dict:
    """The STORAGES entry for an S3-compatible bucket whose files readers fetch from MEDIA_URL's own origin."""
    parts = urlsplit(media_url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(
            "With AWS_STORAGE_BUCKET_NAME set, MEDIA_URL must be the address the bucket is served from, "
            f"e.g. https://media.health.example/, not {media_url!r}."
        )
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            # S3-compatible servers (MinIO, Ceph, moto) want bucket names in the path, not the host.
            "addressing_style": "path" if endpoint_url else None,
            "location": location,
            "custom_domain": parts.netloc + parts.path.rstrip("/"),
            "url_protocol": f"{parts.scheme}:",
            # Published images: plain, cacheable URLs; never overwrite a name readers may have cached.
            "querystring_auth": False,
            "file_overwrite": False,
            "default_acl": None,
            "object_parameters": {"CacheControl": "max-age=86400, public"},
        },
    }


# Media in an S3-compatible bucket when one is named (credentials come from the
# usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the instance role); local files otherwise.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = object_storage(
        bucket=AWS_STORAGE_BUCKET_NAME,
        media_url=MEDIA_URL,
        endpoint_url=env_str("S3_ENDPOINT_URL"),
        region=env_str("AWS_S3_REGION_NAME"),
        location=env_str("AWS_LOCATION"),
    )

if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # A dead or unreachable Redis costs a request at most this long, never a hung worker.
    try:
        REDIS_SOCKET_TIMEOUT = float(env_str("REDIS_SOCKET_TIMEOUT", "1"))
    except ValueError:
        raise ImproperlyConfigured("REDIS_SOCKET_TIMEOUT must be a number of seconds, e.g. 1 or 0.5.") from None
    for alias in ("default", "shared"):
        CACHES[alias]["OPTIONS"] = {
            "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
            "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
            # Pages, fragments and purge numbers are copies: while Redis cannot be reached the site renders
            # them instead (and logs it). Rate-limit counters ("shared") must see the outage: see below.
            "IGNORE_EXCEPTIONS": alias != "shared",
        }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    # While Redis is down, rate limits and flood control count in the database
    # instead of being switched off (`manage.py createcachetable` makes the table).
    CACHES["shared-fallback"] = {
        "BACKEND": "headache_site.counter_cache.CounterDatabaseCache",
        "LOCATION": "shared_counters",
    }

# Sessions live in the database; with Redis they are also read through it, and
# a Redis outage only costs a query (headache_site/sessions.py).
SESSION_ENGINE = "headache_site.sessions" if "shared-fallback" in CACHES else "django.contrib.sessions.backends.db"

# LOG_FORMAT=json: one JSON object per line on stdout, for log collectors; plain text otherwise.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOGGING["formatters"]["json"] = {"()": "headache_site.logs.JsonFormatter"}
LOGGING["handlers"]["stdout"] |= {"formatter": LOG_FORMAT, "stream": "ext://sys.stdout"}

# A read replica (DATABASE_REPLICA_URL) answers anonymous GET and HEAD requests;
# everything else, and everything outside a request, uses the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("CONN_MAX_AGE", 60), conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["headache_site.db_routers.ReplicaRouter"]
    MIDDLEWARE.insert(1, "headache_site.db_routers.replica_for_readers")

# ---------------------------------------------------------------- login protection

# django-axes: lock a user name (from any address) and an address (for any
# user name) after repeated failed sign-ins, until an administrator resets it
# (Admin → Axes → Access attempts, or `manage.py axes_reset`) or the
# cool-off passes. The lockout answer is the same whether or not the user exists.
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_HOURS", 1) or None
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "headache_site.clients.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# A refused form post (CSRF) explains itself and shows the reader's text back.
CSRF_FAILURE_VIEW = "headache_site.security.csrf_failure"
