"""
Search in French on a trajectory's proposals: accents and case aside, plurals and
other inflections found (stemming on PostgreSQL), every word required, the most
relevant first on PostgreSQL (with its GIN index).
"""

import pytest
from django.db import connection

from proposals.models import Proposal
from proposals.search import proposal_search
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db
POSTGRESQL = connection.vendor == "postgresql"


def found(client, trajectory, terms):
    page = client.get(trajectory.get_absolute_url(), {"q": terms}).content.decode()
    return page


@pytest.fixture
def texts(question):
    ProposalFactory(question=question, text="Créer des guichets uniques pour l'ESS")
    ProposalFactory(question=question, text="Renforcer l'accompagnement des porteurs")
    ProposalFactory(question=question, text="Financer les coopératives d'habitants")
    return question.trajectory


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        ("creer", "Créer des guichets uniques"),
        ("CRÉER", "Créer des guichets uniques"),
        ("accompagnements", "Renforcer l&#x27;accompagnement"),
        ("cooperative", "Financer les coopératives"),
        ("guichet unique", "Créer des guichets uniques"),
    ],
)
def test_search_finds_words_whatever_their_accents_case_and_number(
    client, texts, terms, expected
):
    page = found(client, texts, terms)
    assert expected in page
    assert "1 proposition" in page


def test_every_word_of_the_search_is_required(client, texts):
    page = found(client, texts, "guichets habitants")
    assert "Aucune proposition" in page or "0 proposition" in page
    assert "Créer des guichets" not in page


def test_an_edited_text_is_searched_as_it_now_reads(client, texts):
    proposal = Proposal.objects.get(text__startswith="Financer")
    Proposal.objects.filter(pk=proposal.pk).update(text="Mutualiser les achats")
    assert "Mutualiser les achats" in found(client, texts, "achat")
    assert "Mutualiser" not in found(client, texts, "cooperatives")


@pytest.mark.skipif(not POSTGRESQL, reason="ranking and index are PostgreSQL's")
def test_the_most_relevant_come_first_on_postgresql(client, question):
    ProposalFactory(question=question, text="Un fonds régional, parmi d'autres idées")
    ProposalFactory(question=question, text="Fonds de garantie : un fonds mutualisé")
    page = found(client, question.trajectory, "fonds")
    assert page.index("Fonds de garantie") < page.index("Un fonds régional")


@pytest.mark.skipif(not POSTGRESQL, reason="ranking and index are PostgreSQL's")
def test_the_search_reads_the_gin_index_on_postgresql(question):
    ProposalFactory(question=question, text="Un fonds régional")
    proposals, ranked = proposal_search(Proposal.objects.all(), "fonds")
    assert ranked
    with connection.cursor() as cursor:
        # A handful of rows: make the planner show the path it takes on many.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = proposals.explain()
    assert "Bitmap Index Scan on proposal_search_vector" in plan
