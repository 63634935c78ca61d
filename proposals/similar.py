"""
Proposals that say nearly the same thing, to vote for an existing one rather than
write it again, and for moderators to find duplicates to merge.

Two texts are alike when most of the significant words of the shorter one (accents,
case and a final plural aside, short and common words left out) are in the other:
`likeness` is that share. On PostgreSQL the candidates are the proposals of the
question that share at least one of these words, found by full-text search on the
`search_vector` column (an OR of the words, ranked by `ts_rank`, on its GIN index); on
SQLite, the embedded default, the question's latest published proposals.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models.expressions import RawSQL

from .models import Proposal, Status
from .search import SEARCH_CONFIG, search_text

SIMILAR_MAX = 5
# The share of the significant words of the shorter text found in the other one.
SIMILAR_MIN_LIKENESS = 0.5
SIMILAR_CANDIDATES = 50  # ranked by PostgreSQL, then measured here
SQLITE_CANDIDATES = 500  # the question's latest, on SQLite

# Words that say nothing of what a proposal is about.
COMMON_WORDS = frozenset(
    """
    alors aussi autre autres avec avoir avons cela celle celles celui ceux cette comme
    dans des donc elle elles encore entre est etre fait faire faut leur leurs mais
    meme mettre mieux moins notre nous pour plus plusieurs sans sera ses son sont
    sous sur tous tout toute toutes tres une vers votre vous dont afin ainsi chaque
    """.split()  # noqa: SIM905 - a list of words, read as one
)


def significant_words(text):
    """The words of `text` that say what it is about: four letters or more, not
    common, without accents, case nor a final plural « s »/« x »."""
    words = set()
    for word in re.findall(r"\w+", search_text(text)):
        if len(word) < 4 or word in COMMON_WORDS or word.isdigit():
            continue
        words.add(word[:-1] if len(word) > 4 and word[-1] in "sx" else word)
    return words


def likeness(words, other_words):
    """The share of the smaller set's words found in the other (0 to 1)."""
    if not words or not other_words:
        return 0.0
    return len(words & other_words) / min(len(words), len(other_words))


def _candidates(question, words, exclude):
    proposals = Proposal.objects.filter(
        question=question, status=Status.PUBLISHED
    ).only("pk", "text", "fingerprint", "question_id", "vote_count")
    if exclude is not None:
        proposals = proposals.exclude(pk=exclude)
    if connections[proposals.db].vendor == "postgresql":
        query = SearchQuery(
            " or ".join(sorted(words)), config=SEARCH_CONFIG, search_type="websearch"
        )
        table = Proposal._meta.db_table
        vector = RawSQL(f'"{table}"."search_vector"', [], SearchVectorField())  # noqa: S611 (our table name)
        return (
            proposals.annotate(
                search_vector=vector, relevance=SearchRank(vector, query)
            )
            .filter(search_vector=query)
            .order_by("-relevance", "pk")[:SIMILAR_CANDIDATES]
        )
    return proposals.order_by("-pk")[:SQLITE_CANDIDATES]


def similar_proposals(question, text, *, exclude=None, limit=SIMILAR_MAX):
    """Up to `limit` published proposals of `question` alike `text` (but `exclude`,
    a proposal's id), the most alike first, each with its `likeness`."""
    words = significant_words(text)
    if not words:
        return []
    found = []
    for proposal in _candidates(question, words, exclude):
        share = likeness(words, significant_words(proposal.text))
        if share >= SIMILAR_MIN_LIKENESS:
            proposal.likeness = share
            found.append(proposal)
    found.sort(key=lambda proposal: (-proposal.likeness, proposal.pk))
    return found[:limit]
