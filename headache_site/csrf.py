"""CSRF tokens in Django's own format, made without its per-character random draws.

`django.middleware.csrf.get_token` draws each of a token's 64 characters
(32 of the secret, 32 of its mask) with `secrets.choice`: one system call per
character, a sixth of the cost of a whole article page that the page cache
does not hold. Here the same alphabet comes from one `secrets.token_bytes`
call per string. Tokens, cookies and request flags are exactly Django's, so
CsrfViewMiddleware checks them as it checks its own (the tests post with
them); only the way the random characters are drawn differs.

`csrf` replaces Django's built-in context processor of the same name (the
project's context processors run after it, so its `csrf_token` wins), and the
page cache fills cached pages with `masked_token`.
"""

import functools
import secrets
import time

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.functional import SimpleLazyObject
from django.utils.http import http_date

# Bytes 0-247 map evenly onto the 62 characters (248 = 4 × 62); bytes 248-255 are dropped.
_TABLE = bytes.maketrans(bytes(range(4 * len(CSRF_ALLOWED_CHARS))), (CSRF_ALLOWED_CHARS * 4).encode())
_DROP = bytes(range(4 * len(CSRF_ALLOWED_CHARS), 256))
_INDEX = {char: n for n, char in enumerate(CSRF_ALLOWED_CHARS)}
_CHARS = frozenset(CSRF_ALLOWED_CHARS)


def random_string() -> str:
    """CSRF_SECRET_LENGTH characters from Django's CSRF alphabet, uniformly random (secrets)."""
    while True:
        chars = secrets.token_bytes(CSRF_SECRET_LENGTH + 16).translate(_TABLE, _DROP)
        if len(chars) >= CSRF_SECRET_LENGTH:
            return chars[:CSRF_SECRET_LENGTH].decode()


def mask(secret: str) -> str:
    """The secret masked with a fresh mask, as django.middleware.csrf masks it."""
    pad = random_string()
    size = len(CSRF_ALLOWED_CHARS)
    index = _INDEX
    return pad + "".join(CSRF_ALLOWED_CHARS[(index[s] + index[m]) % size] for s, m in zip(secret, pad, strict=True))


def masked_token(request: HttpRequest) -> str:
    """What django.middleware.csrf.get_token gives, with the same side effects on the request.

    The reader's secret comes from their cookie (read by CsrfViewMiddleware)
    or is new; either way the cookie is (re)sent with the response.
    """
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = random_string()
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return mask(secret)


def csrf(request: HttpRequest) -> dict:
    """Context processor: `csrf_token`, made only if a template asks for it (as Django's does)."""
    return {"csrf_token": SimpleLazyObject(lambda: masked_token(request))}


def secret_from_cookie(cookie: str | None) -> str:
    """The secret in a reader's CSRF cookie if it is one Django issues (32 characters), else a new one."""
    if cookie and len(cookie) == CSRF_SECRET_LENGTH and not set(cookie) - _CHARS:
        return cookie
    return random_string()


def cookie_header(secret: str) -> str:
    """The Set-Cookie value CsrfViewMiddleware sends for `secret`, for answers made outside Django."""
    max_age = settings.CSRF_COOKIE_AGE
    parts = [f"{settings.CSRF_COOKIE_NAME}={secret}"]
    if settings.CSRF_COOKIE_DOMAIN:
        parts.append(f"Domain={settings.CSRF_COOKIE_DOMAIN}")
    if max_age is not None:
        parts.append(f"expires={_expires(int(time.time()), max_age)}")
    if settings.CSRF_COOKIE_HTTPONLY:
        parts.append("HttpOnly")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    parts.append(f"Path={settings.CSRF_COOKIE_PATH}")
    if settings.CSRF_COOKIE_SAMESITE:
        parts.append(f"SameSite={settings.CSRF_COOKIE_SAMESITE}")
    if settings.CSRF_COOKIE_SECURE:
        parts.append("Secure")
    return "; ".join(parts)


@functools.lru_cache(maxsize=4)
def _expires(second: int, max_age: int) -> str:
    return http_date(second + max_age)
