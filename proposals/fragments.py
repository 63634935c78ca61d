"""
Parts of a list page that are the same for every reader, rendered once and kept in the
cache: what a proposal's card shows of the proposal, and its vote distribution. A list
fetches all its fragments in one round trip (`FragmentStore.prefetch`) and stores the
ones it rendered in one more, after rendering (`FragmentStore.save`); the template tags
of `proposals.templatetags.fragments` read and fill the store.
"""

import hashlib
import re

from django.core.cache import cache
from django.template.loader import render_to_string
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


SUMMARY_TEMPLATE = "proposals/includes/vote_summary.html"
# A card's summary on a page, between its marks (`vote_block.html`).
_MARKED_SUMMARY = re.compile(rb"<!--counts:(\d+)-->.*?<!--/counts:\1-->", re.DOTALL)


def summaries(counts):
    """{id: the summary (bytes) of a proposal with these counts}, for `counts` ({id:
    (agree, mixed, disagree)}): from the fragments kept, in one round trip, the others
    rendered (in the current language) and kept."""
    from .models import Proposal

    proposals = [
        Proposal(pk=pk, agree_count=agree, mixed_count=mixed, disagree_count=disagree)
        for pk, (agree, mixed, disagree) in counts.items()
    ]
    store = FragmentStore.prefetch([summary_key(proposal) for proposal in proposals])
    html = {}
    for proposal in proposals:
        key = summary_key(proposal)
        if store.get(key) is None:
            store.add(key, render_to_string(SUMMARY_TEMPLATE, {"proposal": proposal}))
        html[proposal.pk] = store.get(key).encode()
    store.save()
    return html


def summaries_written(pieces, moved):
    """
    A kept page's pieces (`consultation.page_cache`: bytes, and slots between them)
    with the summaries of the proposals `moved` ({id: counts}) at those counts, or
    None when one of them is not marked on it (a copy kept as text, say).
    """
    html = summaries(moved)
    written = set()

    def summary(match):
        pk = int(match.group(1))
        if pk not in html:
            return match.group(0)
        written.add(pk)
        return b"<!--counts:%d-->%s<!--/counts:%d-->" % (pk, html[pk], pk)

    patched = []
    for piece in pieces:
        if isinstance(piece, str):
            return None
        patched.append(
            _MARKED_SUMMARY.sub(summary, piece) if isinstance(piece, bytes) else piece
        )
    return patched if written == set(moved) else None
