"""
How often each item of a list was shown (its exposures): counted in the cache, one
round trip per page and never a database write, then taken in batches by a command
(`manage.py flush_exposures`) that adds them to the database.

With Redis, the counts are a hash, incremented by one script call for a page; a batch
is set aside (renamed) before it is read, and forgotten only once written, so that a
failed flush loses nothing: the next one writes it first. Without Redis (local memory:
one process's counts, which no command in another process could read), the counts are
a dictionary in the process's cache, written to the database by the process itself in
batches: after the response of the first page that finds the batch older than
`EXPOSURE_BATCH_SECONDS`. A page served from the page cache counts the exposures of
the page it serves again (`consultation.page_cache.page_served`).
"""

import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache, caches

from consultation.background import after_this_response
from consultation.cache_backends import FailSafeRedisCache
from consultation.page_cache import page_note

logger = logging.getLogger(__name__)
KEY = "exposures"
ASIDE = "exposures:flushing"
SINCE = "exposures:since"  # when the oldest count of the batch was added
_lock = threading.Lock()


def _redis():
    """The fail-open Redis client of the cache, or None for another cache."""
    backend = caches["default"]
    return backend._cache if isinstance(backend, FailSafeRedisCache) else None


def exposures_add(ids):
    """Count one showing of each of `ids`."""
    if not ids:
        return
    redis = _redis()
    if redis is not None:
        redis.hash_increment(cache.make_and_validate_key(KEY), [int(pk) for pk in ids])
        return
    with _lock:
        counts = cache.get(KEY) or {}
        for pk in ids:
            counts[int(pk)] = counts.get(int(pk), 0) + 1
        cache.set(KEY, counts, timeout=None)
        since = cache.get(SINCE)
        if since is None:
            since = time.time()
            cache.set(SINCE, since, timeout=None)
    if time.time() - since >= settings.EXPOSURE_BATCH_SECONDS:
        after_this_response(_process_batch_write)


def _process_batch_write():
    """Add the batch of this process's counts to the database (without Redis)."""
    from .services.exposures import exposures_write

    try:
        with exposures_batch() as counts:
            if counts:
                exposures_write(counts)
    except Exception:  # kept for the next batch; a page never fails for its counts
        logger.exception("Exposures not written; kept for the next batch")


def exposures_record(request, ids):
    """A list page shows `ids`: count them, and let the page cache count them again
    each time it serves this page (`count_served_exposures`). A page rendered again
    after a response (a stale copy refreshed) was seen by nobody: it counts nothing."""
    exposed = [int(pk) for pk in ids]
    page_note(request, exposed=exposed)
    if not getattr(request, "is_page_refresh", False):
        exposures_add(exposed)


def count_served_exposures(sender, note, **kwargs):
    """A kept page was served again: count the proposals its list shows."""
    exposures_add(note.get("exposed"))


@contextmanager
def exposures_batch():
    """The counts added since the last batch, {id: count}: forgotten once the block
    ends without an error, kept for the next batch otherwise."""
    redis = _redis()
    if redis is not None:
        key, aside = (
            cache.make_and_validate_key(KEY),
            cache.make_and_validate_key(ASIDE),
        )
        yield redis.hash_set_aside(key, aside)
        cache.delete(ASIDE)
        return
    with _lock:
        counts = cache.get(ASIDE) or {}
        for pk, count in (cache.get(KEY) or {}).items():
            counts[pk] = counts.get(pk, 0) + count
        cache.set(ASIDE, counts, timeout=None)
        cache.delete_many([KEY, SINCE])
    yield counts
    cache.delete(ASIDE)
