"""
Cached pages of a consultation: results and open data.

Each cache key holds a *content version* of the consultation. Anything that changes what
the public may see (a moderation decision, an import, an edit in the admin) calls
`content_changed`, so that a withdrawn or rejected proposal disappears at once. Votes
only move counts: an entry is fresh for `settings.RESULTS_CACHE_SECONDS`; past that the
next reader still gets it, and it is recomputed after that reader's response (`cached`).
"""

import contextlib
import logging
import time
from collections.abc import Callable, Iterable
from threading import local
from typing import TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from .background import after_response

logger = logging.getLogger(__name__)

# Versions that whole pages (`page_cache`) depend on. Every change bumps SITE, which the
# pages over a whole consultation or site depend on (home, results, lists, feeds); a
# page that declares narrower dependencies (`page_cache.depends_on`) depends on
# STRUCTURE (themes, trajectories, questions, settings: any change but a decision on
# proposals) and on the scopes it names (`trajectory_scope`, `proposal_scope`).
SITE = "site"
STRUCTURE = "structure"


T = TypeVar("T")
# What a content version is kept for: a consultation (its id) or a scope of pages.
Scope = int | str


def trajectory_scope(trajectory_id: int) -> str:
    return f"trajectory:{trajectory_id}"


def proposal_scope(proposal_id: int) -> str:
    return f"proposal:{proposal_id}"


def shown_scope(name: str, consultation_id: int) -> str:
    """The scope of a page over a whole consultation that shows a few of its proposals
    by name (the results' rankings: `shows_proposals`): it goes stale at once with the
    structure or a decision on one of them; other decisions move only its figures,
    which follow within RESULTS_CACHE_SECONDS, as votes do."""
    return f"shown:{name}:{consultation_id}"


def _shown_key(name: str, consultation_id: int) -> str:
    return f"shown-proposals:{name}:{consultation_id}"


# The pages over a consultation that record the proposals they show (`shows_proposals`).
SHOWN_PAGES = ("results",)
# Past this many proposals recorded, the record starts again (its page then stale).
SHOWN_MAX = 5_000


def shows_proposals(
    name: str, consultation_id: int, ids: Iterable[int], *, version_before: int
) -> None:
    """
    `name`'s page (one of SHOWN_PAGES) shows the proposals `ids`, read after the
    consultation's content version was `version_before`: a decision on one of them
    makes it stale at once (`content_changed`). The record only grows (a copy kept
    from an earlier reading may show others) up to SHOWN_MAX, then starts again and
    makes the page stale; a proposal new to it whose decision came while it was read,
    before it was recorded, makes the page stale now.
    """
    key = _shown_key(name, consultation_id)
    recorded = cache.get(key)
    ids = frozenset(ids)
    if recorded is not None and ids <= recorded:
        return
    started_again = recorded is not None and len(recorded | ids) > SHOWN_MAX
    cache.set(key, ids if recorded is None or started_again else recorded | ids, None)
    if started_again or content_version(consultation_id) != version_before:
        cache.set(version_key(shown_scope(name, consultation_id)), time.time_ns(), None)


def version_key(scope: Scope | None) -> str:
    return f"content-version:{scope}"


def content_version(scope: Scope) -> int:
    """The version of a consultation (its id) or of a scope of pages."""
    # A fresh, unique value when the key is missing (first use, or evicted): entries of
    # an older version can never be mistaken for current ones.
    return cast(int, cache.get_or_set(version_key(scope), time.time_ns, timeout=None))


def content_versions(scopes: Iterable[Scope]) -> dict[Scope, int]:
    """{scope: version} of several scopes, in one round trip when all are known."""
    keys = {version_key(scope): scope for scope in scopes}
    found = cache.get_many(list(keys))
    versions = {keys[key]: version for key, version in found.items()}
    for scope in set(scopes) - set(versions):
        versions[scope] = content_version(scope)
    return versions


def content_changed(
    consultation_id: int | None,
    *,
    trajectories: Iterable[int] = (),
    proposals: Iterable[int] = (),
) -> None:
    """
    Make what the public sees of a consultation stale, once the transaction commits.

    A decision on proposals names them and their trajectories: only the pages over
    the whole consultation and theirs go stale. Without them, everything does.
    """

    def bump() -> None:
        version = time.time_ns()
        scopes: list[Scope | None] = [consultation_id, SITE]
        if trajectories or proposals:
            scopes += [trajectory_scope(pk) for pk in trajectories]
            scopes += [proposal_scope(pk) for pk in proposals]
            if consultation_id is not None:
                scopes += _shown_scopes_moved(consultation_id, set(proposals))
        else:
            scopes.append(STRUCTURE)
        cache.set_many({version_key(scope): version for scope in scopes}, timeout=None)

    transaction.on_commit(bump)


def _shown_scopes_moved(consultation_id: int, proposals: set[int]) -> list[str]:
    """The scopes of the pages (SHOWN_PAGES) that show one of `proposals`, or that
    have no record of what they show."""
    records = cache.get_many(
        [_shown_key(name, consultation_id) for name in SHOWN_PAGES]
    )
    return [
        shown_scope(name, consultation_id)
        for name in SHOWN_PAGES
        if (recorded := records.get(_shown_key(name, consultation_id))) is None
        or not proposals
        or recorded & proposals
    ]


# How long an entry outlives its freshness: served stale while a request refreshes it.
STALE_SECONDS = 24 * 60 * 60
# How long one computation may hold the right to compute (a crashed worker's expires).
COMPUTE_LOCK_SECONDS = 120
# How long a reader waits for the computation another request started (cold entry).
COLD_WAIT_SECONDS = 30
_pending = local()  # the refreshes this thread's request owes, run after its response


def cached(
    name: str,
    consultation_id: int,
    compute: Callable[[], T],
    *,
    scopes: Iterable[Scope] = (),
) -> T:
    """
    `compute()`, per content version and language, fresh for RESULTS_CACHE_SECONDS.
    `scopes`: the versions it is kept per, instead of the consultation's.

    Single-flight: one computation at a time for a key, across workers (a lock in the
    cache). When the entry is stale, readers get it at once and one request refreshes
    it after its response is sent (`RefreshAfterResponseMiddleware`), so that no reader
    waits. When there is no entry (a first read, or a content change that must show at
    once), one reader computes and the others wait for its value.
    """
    scopes = list(scopes) or [consultation_id]
    versions = content_versions(scopes)
    key = ":".join(
        [
            name,
            str(consultation_id),
            *(str(versions[scope]) for scope in scopes),
            translation.get_language() or settings.LANGUAGE_CODE,
        ]
    )
    entry = cache.get(key)
    if entry is not None:
        value, fresh_until = entry
        if time.time() < fresh_until or not _take_lock(key):
            return value
        if getattr(_pending, "refreshes", None) is not None:
            _pending.refreshes.append((key, _refresher(name, key, compute)))
            return value  # the reader does not wait: refreshed after its response
        # Outside a request (a command, or a refresh computing what it depends on):
        # the fresh value, now.
        try:
            return _store(key, _counted(name, compute))
        finally:
            cache.delete(_lock_key(key))
    if _take_lock(key):
        try:
            return _store(key, _counted(name, compute))
        finally:
            cache.delete(_lock_key(key))
    deadline = time.monotonic() + COLD_WAIT_SECONDS
    while time.monotonic() < deadline:
        entry = cache.get(key)
        if entry is not None:
            return entry[0]
        if cache.get(_lock_key(key)) is None:
            break  # nobody computes it any more (or no cache to wait on)
        time.sleep(0.05)
    return _store(key, _counted(name, compute))


def cached_parts(
    name: str,
    scopes: dict[int, list[Scope]],
    compute: Callable[[list[int]], dict[int, T]],
) -> dict[int, T]:
    """
    {part: value} for each part of a computation split by scope (a consultation's
    results, by trajectory), each kept per the content versions of its own scopes: a
    decision on one trajectory's proposals leaves the other parts in the cache.
    `compute(parts)` computes several parts at once (the same queries, grouped). The
    parts missing are computed now; those past RESULTS_CACHE_SECONDS are served and
    computed again after the response (outside a request: now), like `cached`'s.
    Parts hold no words: they are shared by every language.
    """
    versions = content_versions({scope for named in scopes.values() for scope in named})
    keys = {
        part: ":".join([name, str(part), *(str(versions[scope]) for scope in named)])
        for part, named in scopes.items()
    }
    found = cache.get_many(list(keys.values()))
    values: dict[int, T] = {}
    stale = []
    for part, key in keys.items():
        if key in found:
            values[part], fresh_until = found[key]
            if time.time() >= fresh_until and _take_lock(key):
                stale.append(part)
    missing = [part for part in keys if part not in values]
    in_request = getattr(_pending, "refreshes", None) is not None
    now = missing if in_request else missing + stale

    def compute_and_store(parts):
        computed = _counted(name, lambda: compute(parts)) if parts else {}
        for part in parts:
            _store(keys[part], computed[part])
        return computed

    try:
        values.update(compute_and_store(now))
    finally:
        for part in now:
            cache.delete(_lock_key(keys[part]))
    if in_request and stale:
        refresh_key = f"{name}:{','.join(map(str, stale))}"

        def refresh():
            try:
                compute_and_store(stale)
            except Exception:
                logger.exception("Refreshing %s failed", refresh_key)
            finally:
                cache.delete_many([_lock_key(keys[part]) for part in stale])

        # One refresh for them all; each part's key named, so that a failed response
        # releases every lock (`RefreshAfterResponseMiddleware`).
        _pending.refreshes.append((keys[stale[0]], refresh))
        _pending.refreshes.extend((keys[part], _nothing) for part in stale[1:])
    return values


def _nothing():
    pass


def computations(name):
    """How many times `cached(name, …)` computed its value, on every worker sharing the
    cache, since the cache was last cleared (`manage.py bench` counts a stampede's)."""
    return cache.get(_computations_key(name)) or 0


def _computations_key(name):
    return f"computations:{name}"


def _counted(name, compute):
    value = compute()
    key = _computations_key(name)
    cache.add(key, 0, timeout=None)
    with contextlib.suppress(ValueError):  # evicted between the two calls: lost
        cache.incr(key)
    return value


def _lock_key(key):
    return f"{key}:computing"


def _take_lock(key):
    return cache.add(_lock_key(key), 1, timeout=COMPUTE_LOCK_SECONDS)


def _store(key, value):
    fresh_until = time.time() + settings.RESULTS_CACHE_SECONDS
    cache.set(
        key,
        (value, fresh_until),
        timeout=settings.RESULTS_CACHE_SECONDS + STALE_SECONDS,
    )
    return value


def _refresher(name, key, compute):
    language = translation.get_language()

    def refresh():
        try:
            with translation.override(language):
                _store(key, _counted(name, compute))
        except Exception:
            # After the response: nobody to tell but the log; the stale entry stays.
            logger.exception("Refreshing %s failed", key)
        finally:
            cache.delete(_lock_key(key))

    return refresh


class RefreshAfterResponseMiddleware:
    """Runs the refreshes a request took on once its response is sent (when the server
    closes the response), so that the reader who found a stale entry does not wait."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _pending.refreshes = []
        try:
            response = self.get_response(request)
        except BaseException:
            for key, _refresh in _pending.refreshes:
                cache.delete(_lock_key(key))  # another request will refresh
            raise
        finally:
            refreshes, _pending.refreshes = _pending.refreshes, None
        for _key, refresh in refreshes:
            after_response(response, refresh)
        return response
