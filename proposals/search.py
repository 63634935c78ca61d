"""
Searching the proposals in French: « creer » finds « Créer », « accompagnements »
finds « accompagnement ».

On PostgreSQL, full-text search on the `search_vector` column that the database keeps
(migration 0017: the `french_unaccent` configuration, French stemming after the accents
are removed, on a GIN index), ranked by relevance (`ts_rank`); a query reads as on a
search engine (`websearch_to_tsquery`: every word, « "exact phrase" », « -word »). On
SQLite, the embedded default, every word must appear in the text, accents and case
aside and a final plural « s » or « x » dropped; the order stays the one chosen.
"""

import re
import unicodedata
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import F, Func, QuerySet, TextField
from django.db.models.expressions import RawSQL

SEARCH_CONFIG = "french_unaccent"
SQLITE_FUNCTION = "search_text"


def search_text(text):
    """Text as the SQLite search compares it: case and accents aside."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_words(terms):
    """The words of a query for SQLite: normalised, a final plural « s »/« x » off."""
    words = re.findall(r"\w+", search_text(terms))
    return [word[:-1] if len(word) > 3 and word[-1] in "sx" else word for word in words]


def register_sqlite_function(sender, connection, **kwargs):
    """On each new SQLite connection (a `connection_created` receiver)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION, 1, search_text, deterministic=True
        )


def proposal_search(proposals: QuerySet[Any], terms: str) -> tuple[QuerySet[Any], bool]:
    """
    `proposals` that match `terms`, and whether they carry a `relevance` to order
    them by (PostgreSQL only).
    """
    if connections[proposals.db].vendor == "postgresql":
        query = SearchQuery(terms, config=SEARCH_CONFIG, search_type="websearch")
        table = proposals.model._meta.db_table
        vector = RawSQL(f'"{table}"."search_vector"', [], SearchVectorField())  # noqa: S611 (our table name)
        return (
            proposals.annotate(
                search_vector=vector, relevance=SearchRank(vector, query)
            ).filter(search_vector=query),
            True,
        )
    words = search_words(terms)
    if not words:
        return proposals, False
    proposals = proposals.annotate(
        searchable=Func(F("text"), function=SQLITE_FUNCTION, output_field=TextField())
    )
    for word in words:
        proposals = proposals.filter(searchable__contains=word)
    return proposals, False
