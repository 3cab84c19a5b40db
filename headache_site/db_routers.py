"""Anonymous readers' GET and HEAD requests read from the replica; everything else uses the primary.

Enabled by DATABASE_REPLICA_URL. Writes, logged-in people (whose next page
must show what they just saved), management commands and cron jobs always
use "default", so replication lag never shows anyone a stale copy of their own work.
"""

from contextvars import ContextVar

from django.conf import settings

reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        return "replica" if reading_from_replica.get() else "default"

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica is a copy of the same database

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"


def replica_for_readers(get_response):
    """Middleware: mark safe requests without a session cookie as fit for the replica."""

    def middleware(request):
        fit = request.method in {"GET", "HEAD"} and settings.SESSION_COOKIE_NAME not in request.COOKIES
        token = reading_from_replica.set(fit)
        try:
            return get_response(request)
        finally:
            reading_from_replica.reset(token)

    return middleware
