"""Sessions stored in the database and read through Redis, that keep working while Redis is down.

Django's cached_db backend already logs a failed cache write; this one also
reads and deletes past an unreachable cache, so an outage costs a query
rather than a 500. Cached copies live at most SESSION_CACHE_SECONDS: a logout
whose cache delete failed during an outage cannot outlive that by much.
"""

import logging

from django.conf import settings
from django.contrib.sessions.backends import cached_db

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(cached_db.SessionStore):
    def _cache_seconds(self, expiry_age: int) -> int:
        return min(expiry_age, getattr(settings, "SESSION_CACHE_SECONDS", 300))

    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.warning("session cache unavailable; reading the session from the database", exc_info=True)
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self._cache_seconds(self.get_expiry_age(expiry=stored.expire_date)))
        except Exception:
            logger.warning("session cache unavailable; not caching the session", exc_info=True)
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            logger.warning("session cache unavailable; checking the database", exc_info=True)
        return super(cached_db.SessionStore, self).exists(session_key)

    def save(self, must_create=False):
        super(cached_db.SessionStore, self).save(must_create)
        try:
            self._cache.set(self.cache_key, self._session, self._cache_seconds(self.get_expiry_age()))
        except Exception:
            logger.warning("session cache unavailable; the session is saved in the database only", exc_info=True)

    def delete(self, session_key=None):
        super(cached_db.SessionStore, self).delete(session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:
            logger.error("session cache unavailable; a deleted session stays cached for at most its cache lifetime")
