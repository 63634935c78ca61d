"""
Cached pages of a consultation: results and open data.

Each cache key holds a *content version* of the consultation. Anything that changes what
the public may see (a moderation decision, an import, an edit in the admin) calls
`content_changed`, so that a withdrawn or rejected proposal disappears at once. Votes
only move counts: they show within `settings.RESULTS_CACHE_SECONDS` (the freshness).
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

SITE = "site"  # the version of whole pages (`page_cache`), whatever the consultation


def _version_key(consultation_id):
    return f"content-version:{consultation_id}"


def content_version(consultation_id):
    # A fresh, unique value when the key is missing (first use, or evicted): entries of
    # an older version can never be mistaken for current ones.
    return cache.get_or_set(_version_key(consultation_id), time.time_ns, timeout=None)


def content_changed(consultation_id):
    """Make the consultation's cached pages stale, once the transaction commits."""

    def bump():
        version = time.time_ns()
        cache.set_many(
            {_version_key(consultation_id): version, _version_key(SITE): version},
            timeout=None,
        )

    transaction.on_commit(bump)


def cached(name, consultation_id, compute):
    """`compute()`, kept for RESULTS_CACHE_SECONDS per content version and language."""
    key = ":".join(
        [
            name,
            str(consultation_id),
            str(content_version(consultation_id)),
            translation.get_language() or settings.LANGUAGE_CODE,
        ]
    )
    return cache.get_or_set(key, compute, timeout=settings.RESULTS_CACHE_SECONDS)
