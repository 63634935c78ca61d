"""
Whole pages for anonymous readers, served from the cache.

A visitor without an account sees the same page as every other such visitor (in their
language, with their order of proposals, one of `SHUFFLE_BUCKETS`): the rendered page is
fresh for `RESULTS_CACHE_SECONDS` with the content versions it depends on, and served
while they are unchanged (`consultation.cache.content_changed`). Past its freshness
(votes moved its counts) it is still served, for up to `PAGE_STALE_SECONDS`, to every
reader at once, and one request renders it again after its response is sent. Every
change of content stales the pages over a whole consultation at once; a decision on a
proposal leaves the pages of other trajectories and proposals, which declare what they
show (`depends_on`), in the cache. A
request with a session or flash messages (the cookies that make a page personal) or a
page holding a form token is never cached; other cookies (an analytics or consent
cookie, say) change nothing on a page and are ignored.

Only canonical addresses are stored: without a query string, or with the one that the
view declares canonical (`declare_canonical_query`: known parameters, valid values, in
order). Anything else is served from the database and not kept, so that made-up query
strings cannot fill the cache. A page the view keeps a short time (a search's) is kept
only once asked a second time within that time.
"""

import logging
import secrets
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.dispatch import Signal
from django.http import HttpResponse
from django.utils import translation

from .background import after_response
from .cache import SITE, STRUCTURE, content_versions

SHUFFLE_COOKIE = "ordre"
SHUFFLE_SALT = "consultation.page_cache.shuffle"
SHUFFLE_BUCKETS = 16
SKIPPED_HEADERS = {"set-cookie", "content-length"}
# How long a page outlives its freshness, served while it is rendered again.
PAGE_STALE_SECONDS = 10 * 60
# How long one request may hold the right to render a stale page again.
REFRESH_LOCK_SECONDS = 30

logger = logging.getLogger(__name__)

# A kept page was served again: sent with the note its view left (`page_note`), so that
# an app counts what the page shows each time someone sees it.
page_served = Signal()


def page_note(request, **values):
    """Keep `values` with the page this request renders, given back to `page_served`'s
    receivers at each serving of the kept copy."""
    request.page_note = {**getattr(request, "page_note", {}), **values}


def bucket_in_cookie(request):
    """The order the visitor's cookie gives, or None (a new visitor): read without
    choosing one, which `shuffle_bucket` does only for pages that list proposals."""
    value = request.get_signed_cookie(SHUFFLE_COOKIE, default=None, salt=SHUFFLE_SALT)
    if value is not None and value.isdigit() and int(value) < SHUFFLE_BUCKETS:
        return int(value)
    return None


def shuffle_bucket(request):
    """The visitor's order of proposals: one of SHUFFLE_BUCKETS, kept in a cookie."""
    if not hasattr(request, "shuffle_bucket"):
        value = bucket_in_cookie(request)
        if value is not None:
            request.shuffle_bucket, request.shuffle_bucket_is_new = value, False
        else:
            request.shuffle_bucket = secrets.randbelow(SHUFFLE_BUCKETS)
            request.shuffle_bucket_is_new = True
    return request.shuffle_bucket


# Reads the current counts of proposals: {id: counts}, and writes new counts into a
# kept page, registered by the app that holds them (`register_counts_reader`).
_counts_reader = None
_counts_patcher = None


def register_counts_reader(reader, patcher=None):
    """`reader(ids)`: {id: counts} as they are now. `patcher(pieces, moved)`: a kept
    page's pieces (bytes, and the slots between them) with the counts `moved` ({id:
    counts}) written in place of those it shows, or None when one is not marked on
    it."""
    global _counts_reader, _counts_patcher
    _counts_reader, _counts_patcher = reader, patcher


def counts_shown(request, counts, *, patchable=False, order_follows_votes=False):
    """
    A view's word that what votes move on its page is these counts ({id: counts}, as
    the page read them): once the page is past its freshness, its copy is rendered
    again only if one of them has moved (read in one query); otherwise it is kept as
    it is for another freshness. `patchable`: the counts are only in the marked
    summaries the registered patcher rewrites (a list's cards), so that moved counts
    are written into the copy instead of rendering it again. `order_follows_votes`
    (best ranked first): others' votes move its order too, so that past its freshness
    it is rendered again; its counts are written in only for who just voted.
    """
    request.page_counts = counts
    request.page_counts_patchable = patchable
    request.page_order_follows_votes = order_follows_votes


def current_counts(stored):
    """The counts a kept page shows (`counts_shown`) as the database has them now, or
    None: a page that did not say, or counts that cannot be read."""
    counts = stored.get("counts")
    if counts is None or _counts_reader is None:
        return None
    try:
        return _counts_reader(list(counts))
    except Exception:
        logger.exception("Reading the counts of a kept page failed")
        return None


def with_current_counts(stored, current):
    """The kept page `stored` with the counts `current` written in (its content, or
    its pieces for a shared page), or None when it cannot be patched: it did not say
    its counts may be (`counts_shown`), a proposal left it, or one is not marked."""
    if not stored.get("counts_patchable") or _counts_patcher is None:
        return None
    if set(current) != set(stored["counts"]):
        return None
    moved = {
        pk: counts for pk, counts in current.items() if stored["counts"][pk] != counts
    }
    field = "pieces" if "pieces" in stored else "content"
    pieces = stored[field] if field == "pieces" else [stored[field]]
    try:
        patched = _counts_patcher(pieces, moved)
    except Exception:
        logger.exception("Writing the counts into a kept page failed")
        return None
    if patched is None:
        return None
    return {
        **stored,
        field: patched if field == "pieces" else patched[0],
        "counts": current,
    }


def refresh_stale(render, request, key, stored, stored_key):
    """After a stale copy's response: kept as it is for another freshness when the
    counts it shows have not moved (`counts_shown`), with its moved counts written in
    when it may be, rendered again otherwise."""
    renewed = None
    if not stored.get("order_follows_votes"):
        renewed = with_counts_read(stored)
    if renewed is None:
        render_again(render, request, key)
        return
    renewed["fresh_until"] = time.time() + settings.RESULTS_CACHE_SECONDS
    keep_renewed(key, stored_key, renewed)
    cache.delete(f"{key}:refreshing")


def with_counts_read(stored):
    """The kept page `stored` as it may be served with the counts of now: itself when
    they have not moved, with them written in when it may be (`with_current_counts`),
    else None (it must be rendered again). Its `rendered_at`, if it has one, is then
    no older than the reading."""
    read_at = time.time()
    current = current_counts(stored)
    if current is None:
        return None
    renewed = (
        dict(stored)
        if current == stored["counts"]
        else with_current_counts(stored, current)
    )
    if renewed is not None and "rendered_at" in renewed:
        renewed["rendered_at"] = max(renewed["rendered_at"], read_at)
    return renewed


def keep_renewed(key, stored_key, entry):
    """Keep `entry`, a page kept under `stored_key` (its order's, for a page kept by
    order under `key`), again for its whole time."""
    timeout = settings.RESULTS_CACHE_SECONDS + PAGE_STALE_SECONDS
    cache.set(stored_key, entry, timeout)
    if stored_key != key:
        cache.touch(key, timeout)  # the marker of a page kept by order


def depends_on(request, *scopes):
    """
    A view's word that its page shows only the site's structure and these scopes
    (`consultation.cache.trajectory_scope`, `proposal_scope`): a decision elsewhere
    leaves it in the cache. Called before the view reads what the scopes cover. A page
    that does not call it goes stale at every change.
    """
    at_start = getattr(request, "page_versions_at_start", None)
    if at_start is not None:  # a page that may be kept
        request.page_depends = {
            STRUCTURE: at_start[STRUCTURE],
            **content_versions(scopes),
        }


def declare_canonical_query(request, query, *, seconds=None):
    """A view's word that `query` (or None) is the canonical form of its parameters;
    `seconds`: how long its page may be kept, if shorter than other pages (a search's:
    fresh that long, then gone)."""
    request.canonical_query = query
    if seconds is not None:
        request.page_seconds = seconds


def render_again(render, request, key):
    """Render a stale page again with `render(request, key)`, after the response that
    served it (its lock `<key>:refreshing` released): seen by nobody, its list counts
    no exposure; a failure leaves the stale copy and goes to the log."""
    request.is_page_refresh = True
    try:
        render(request, key).close()
    except Exception:
        # After the response: nobody to tell but the log; the stale copy stays.
        logger.exception("Refreshing the page %s failed", key)
    finally:
        cache.delete(f"{key}:refreshing")


def served(stored):
    """A kept page `stored` goes out again: its note's receivers hear of it."""
    if stored.get("note"):
        page_served.send(sender=served, note=stored["note"])


def kept_headers(response):
    """The headers a kept copy of `response` is served with (not its cookies)."""
    return [
        (header, value)
        for header, value in response.items()
        if header.lower() not in SKIPPED_HEADERS
    ]


def page_entry(request, response):
    """What a kept page carries besides its content: its headers, the content versions
    it shows, until when it is fresh, and its view's note (`page_note`)."""
    return {
        "headers": kept_headers(response),
        "depends": getattr(request, "page_depends", None)
        or {SITE: request.page_versions_at_start[SITE]},
        "fresh_until": time.time()
        + getattr(request, "page_seconds", settings.RESULTS_CACHE_SECONDS),
        "note": getattr(request, "page_note", {}),
        "counts": getattr(request, "page_counts", None),
        "counts_patchable": getattr(request, "page_counts_patchable", False),
        "order_follows_votes": getattr(request, "page_order_follows_votes", False),
    }


def store_page(request, key, entry):
    """Keep `entry` under `key`; a page listing proposals in the reader's order under
    its order's key, `key` then marking that it is kept by order. A page kept a short
    time (a search's: `declare_canonical_query`) is kept only once asked again within
    that time: made-up searches leave a mark of a few bytes each, not a page."""
    if hasattr(request, "page_seconds") and cache.add(
        f"{key}:asked", 1, timeout=request.page_seconds
    ):
        return
    timeout = getattr(
        request, "page_seconds", settings.RESULTS_CACHE_SECONDS + PAGE_STALE_SECONDS
    )
    if hasattr(request, "shuffle_bucket"):
        cache.set_many(
            {key: {"by_bucket": True}, f"{key}:{request.shuffle_bucket}": entry},
            timeout,
        )
    else:
        cache.set(key, entry, timeout)


def remember_shuffle_bucket(request, response):
    if getattr(request, "shuffle_bucket_is_new", False):
        response.set_signed_cookie(
            SHUFFLE_COOKIE,
            str(request.shuffle_bucket),
            salt=SHUFFLE_SALT,
            max_age=60 * 60 * 24 * 180,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.personal_cookies = {
            settings.SESSION_COOKIE_NAME,
            CookieStorage.cookie_name,
        }

    def __call__(self, request):
        if request.method != "GET" or self.personal_cookies & set(request.COOKIES):
            return remember_shuffle_bucket(request, self.get_response(request))
        base_key = ":".join(
            [
                "page",
                translation.get_language() or settings.LANGUAGE_CODE,
                request.get_host(),  # pages spell out their own address (permalinks)
                request.get_full_path(),
            ]
        )
        # Pages that list proposals in the visitor's order are kept once per order: the
        # base key then holds a marker, and the page is under the bucket's key.
        stored = cache.get(base_key)
        stored_key = base_key
        if stored is not None and stored.get("by_bucket"):
            stored_key = f"{base_key}:{shuffle_bucket(request)}"
            stored = cache.get(stored_key)
        if (
            stored is not None
            and content_versions(stored["depends"]) == stored["depends"]
        ):
            response = HttpResponse(stored["content"], status=200)
            for header, value in stored["headers"]:
                response[header] = value
            response["X-Page-Cache"] = "hit"
            served(stored)
            if time.time() >= stored.get("fresh_until", 0) and cache.add(
                f"{base_key}:refreshing", 1, timeout=REFRESH_LOCK_SECONDS
            ):
                # Past its freshness (only counts moved: a change of content makes
                # it a miss above): this reader gets it at once, and the page is
                # rendered again once the response is sent.
                response["X-Page-Cache"] = "stale"
                after_response(
                    response,
                    lambda: refresh_stale(
                        self._render, request, base_key, stored, stored_key
                    ),
                )
            return remember_shuffle_bucket(request, response)
        return remember_shuffle_bucket(request, self._render(request, base_key))

    def _render(self, request, base_key):
        """The page from the view, kept when it may be."""
        # The versions as they are before the page reads anything: a change during its
        # rendering makes the stored copy stale at once rather than wrongly current.
        request.page_versions_at_start = content_versions([SITE, STRUCTURE])
        response = self.get_response(request)
        if self._cacheable(request, response):
            store_page(
                request,
                base_key,
                {"content": response.content} | (page_entry(request, response)),
            )
        return response

    def _cacheable(self, request, response):
        control = response.get("Cache-Control", "")
        query = request.META.get("QUERY_STRING", "")
        return (
            (not query or query == getattr(request, "canonical_query", None))
            and response.status_code == 200
            and not response.streaming
            # A file with its own validators (ETag, gzip by Accept-Encoding) is
            # served by its view, which answers conditional GETs.
            and not response.has_header("ETag")
            and not (set(response.cookies) - {SHUFFLE_COOKIE})
            and not any(word in control for word in ("private", "no-cache", "no-store"))
            # A page with a form token belongs to one visitor.
            and b"csrfmiddlewaretoken" not in response.content
        )
