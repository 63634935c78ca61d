"""
Read replicas: the queries of anonymous read-only requests (public pages, results, open
data) go to the `replica` database; writes, and every request of a logged-in person (who
must see their own vote at once), go to the primary.
"""

from contextvars import ContextVar

from django.conf import settings

_reads_from_replica = ContextVar("reads_from_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if settings.DATABASE_REPLICA_ENABLED and _reads_from_replica.get():
            return "replica"
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    """Route an anonymous GET or HEAD request's reads to the replica (after auth)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        anonymous_read = (
            request.method in ("GET", "HEAD") and not request.user.is_authenticated
        )
        token = _reads_from_replica.set(anonymous_read)
        try:
            return self.get_response(request)
        finally:
            _reads_from_replica.reset(token)
