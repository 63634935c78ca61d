"""
Parts of a list page that are the same for every reader, rendered once and kept in the
cache: what a proposal's card shows of the proposal, and its vote distribution. A list
fetches all its fragments in one round trip (`FragmentStore.prefetch`) and stores the
ones it rendered in one more, after rendering (`FragmentStore.save`); the template tags
of `proposals.templatetags.fragments` read and fill the store.
"""

import hashlib

from django.core.cache import cache
from django.utils.translation import get_language

FRAGMENT_SECONDS = 600


def card_key(proposal, show_question):
    """Changes with what the card shows (`Proposal.card_version`), the language, and
    the question when the card names it."""
    question = proposal.question.text if show_question else ""
    version = "\n".join([proposal.card_version, get_language() or "", question])
    digest = hashlib.md5(version.encode(), usedforsecurity=False).hexdigest()
    return f"card:{proposal.pk}:{digest}"


def summary_key(proposal):
    """The distribution and counts: they change with the counts and the language."""
    counts = f"{proposal.agree_count}:{proposal.mixed_count}:{proposal.disagree_count}"
    return f"summary:{proposal.pk}:{counts}:{get_language()}"


class FragmentStore:
    def __init__(self, found=None):
        self.found = dict(found or {})
        self.rendered = {}

    @classmethod
    def prefetch(cls, keys):
        return cls(cache.get_many(list(keys)) if keys else {})

    def get(self, key):
        return self.found.get(key)

    def add(self, key, html):
        self.found[key] = self.rendered[key] = html

    def save(self, response=None):
        if self.rendered:
            cache.set_many(self.rendered, FRAGMENT_SECONDS)
        return response
