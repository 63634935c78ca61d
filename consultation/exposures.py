"""
How often each item of a list was shown (its exposures): counted in the cache, one
round trip per page and never a database write, then taken in batches by a command
(`manage.py flush_exposures`) that adds them to the database.

With Redis, the counts are a hash, incremented by one script call for a page; a batch
is set aside (renamed) before it is read, and forgotten only once written, so that a
failed flush loses nothing: the next one writes it first. Without Redis (local memory:
development, tests), the counts are a dictionary in the cache. A page served from the
page cache counts the exposures of the page it serves (`consultation.page_cache`).
"""

import threading
from contextlib import contextmanager

from django.core.cache import cache, caches

from .cache_backends import FailSafeRedisCache

KEY = "exposures"
ASIDE = "exposures:flushing"
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


def exposures_record(request, ids):
    """A list page shows `ids`: count them, and let the page cache count them again
    each time it serves this page. A page rendered again after a response (a stale
    copy refreshed) was seen by nobody: it counts nothing."""
    request.exposed_ids = [int(pk) for pk in ids]
    if not getattr(request, "is_page_refresh", False):
        exposures_add(request.exposed_ids)


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
        cache.delete(KEY)
    yield counts
    cache.delete(ASIDE)
