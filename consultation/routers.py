"""
Read replicas: the queries of anonymous read-only requests (public pages, results, open
data) go to the `replica` database; writes, and every request of a logged-in person
(the only ones who write: they see their own vote, proposal or decision at once), go to
the primary.

A replica is used only while it is healthy (`replica_state`, checked at most once a
`REPLICA_CHECK_SECONDS` per process): one whose replay lags more than
`DATABASE_REPLICA_MAX_LAG` seconds behind what it received, or that does not answer, is
skipped — its readers read the primary — and `/healthz` says `lagging` or `down`.
"""

import logging
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)
_reads_from_replica = ContextVar("reads_from_replica", default=False)
REPLICA_CHECK_SECONDS = 1.0
# How far the replica's replay is behind: 0 when it has replayed all it received.
REPLICA_LAG_SQL = """
    SELECT CASE
        WHEN NOT pg_is_in_recovery() THEN 0
        WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
        ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
    END
"""
_checked = {"at": float("-inf"), "state": "ok"}
_check_lock = threading.Lock()


def replica_state():
    """ "ok", "lagging" or "down" (None without a replica), for this process."""
    if not settings.DATABASE_REPLICA_ENABLED:
        return None
    with _check_lock:
        if time.monotonic() - _checked["at"] >= REPLICA_CHECK_SECONDS:
            _checked["state"] = _replica_check()
            _checked["at"] = time.monotonic()
        return _checked["state"]


def _replica_check():
    replica = connections["replica"]
    if replica.vendor != "postgresql":
        return "ok"  # an alias of the same database (tests, a single server)
    try:
        with replica.cursor() as cursor:
            cursor.execute(REPLICA_LAG_SQL)
            lag = cursor.fetchone()[0]
    except DatabaseError:
        replica.close()
        logger.warning("The read replica does not answer: reads go to the primary")
        return "down"
    if lag is not None and lag > settings.DATABASE_REPLICA_MAX_LAG:
        logger.warning("The read replica lags %.0f s: reads go to the primary", lag)
        return "lagging"
    return "ok"


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reads_from_replica.get() and replica_state() == "ok":
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
