"""
Withdrawing a proposal: free while nobody has voted on it; once voted on, the author
confirms, and the proposal stays on record: its page at its address, marked withdrawn,
its votes frozen and counted, out of the rankings, listed with its status in results
and open data.
"""

import csv
import html
import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from proposals import services
from proposals.models import Status, Vote
from tests.factories import ProposalFactory, UserFactory
from tests.refusals import refused

pytestmark = pytest.mark.django_db

TEXT = "Une proposition retirée après avoir reçu des votes"
WITHDRAWN_LABEL = "Retirée par son autrice ou son auteur"


@pytest.fixture
def author():
    return UserFactory(organisation="Autrice qui se retire")


@pytest.fixture
def voted(question, author):
    proposal = ProposalFactory(question=question, author=author, text=TEXT)
    for choice in ["agree", "agree", "mixed", "disagree", "agree", "agree"]:
        services.vote_cast(proposal=proposal, voter=UserFactory(), choice=choice)
    proposal.refresh_from_db()
    return proposal


def test_a_proposal_without_votes_is_withdrawn_at_once(question, author):
    proposal = ProposalFactory(question=question, author=author)
    services.proposal_withdraw(proposal=proposal, author=author)
    proposal.refresh_from_db()
    assert proposal.status == Status.WITHDRAWN


def test_a_voted_proposal_needs_the_authors_confirmation(voted, author):
    with refused(
        "withdraw.unconfirmed", services.WithdrawalNeedsConfirmation
    ) as refusal:
        services.proposal_withdraw(proposal=voted, author=author)
    assert "6 votes" in str(refusal.value)
    voted.refresh_from_db()
    assert voted.status == Status.PUBLISHED
    services.proposal_withdraw(proposal=voted, author=author, confirmed=True)
    voted.refresh_from_db()
    assert voted.status == Status.WITHDRAWN
    assert (voted.agree_count, voted.mixed_count, voted.disagree_count) == (4, 1, 1)
    assert Vote.objects.filter(proposal=voted).count() == 6  # kept in the records


def test_the_withdraw_button_asks_for_confirmation_when_there_are_votes(
    client, voted, author
):
    client.force_login(author)
    url = reverse("proposal_withdraw", args=[voted.pk])
    response = client.post(url)
    assert response.status_code == 302 and response.url == url
    page = client.get(url).content.decode()
    assert "6 votes" in page and 'name="confirm"' in page
    voted.refresh_from_db()
    assert voted.status == Status.PUBLISHED
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    voted.refresh_from_db()
    assert voted.status == Status.WITHDRAWN


def test_a_withdrawn_proposal_with_votes_keeps_its_public_page_and_its_frozen_votes(
    client, voted, author
):
    services.proposal_withdraw(proposal=voted, author=author, confirmed=True)
    voter = Vote.objects.filter(proposal=voted).first().voter
    for who in (None, voter):
        if who:
            client.force_login(who)
        response = client.get(voted.get_absolute_url())
        assert response.status_code == 200
        page = html.unescape(response.content.decode())
        assert TEXT in page and WITHDRAWN_LABEL in page
        assert "4 d’accord" in page
        assert 'name="choice"' not in page  # votes are frozen
    with refused("vote.withdrawn"):
        services.vote_cast(proposal=voted, voter=voter, choice="disagree")


def test_a_voters_link_to_a_withdrawn_proposal_keeps_working(client, voted, author):
    services.proposal_withdraw(proposal=voted, author=author, confirmed=True)
    voter = Vote.objects.filter(proposal=voted).first().voter
    client.force_login(voter)
    space = client.get(reverse("my_space")).content.decode()
    assert voted.get_absolute_url() in space
    assert client.get(voted.get_absolute_url()).status_code == 200


def test_a_withdrawn_proposal_leaves_the_rankings_but_stays_in_the_results(
    client, voted, author, question
):
    other = ProposalFactory(question=question)
    services.vote_cast(proposal=other, voter=UserFactory(), choice="agree")
    cache.clear()
    votes_before = client.get(reverse("results")).context["results"]["figures"]["votes"]
    services.proposal_withdraw(proposal=voted, author=author, confirmed=True)
    cache.clear()
    results = client.get(reverse("results")).context["results"]
    assert voted not in results["top"]
    assert [p.pk for p in results["withdrawn"]] == [voted.pk]
    assert results["figures"]["votes"] == votes_before == 7
    assert sum(row["total"] for row in results["breakdowns"]["regions"]) == 7
    page = client.get(reverse("results")).content.decode()
    assert TEXT in page and WITHDRAWN_LABEL in page


def test_a_withdrawn_proposal_with_votes_is_in_the_open_data_with_its_status(
    client, voted, author, question
):
    silent = ProposalFactory(question=question, author=author, text="Retirée sans vote")
    services.proposal_withdraw(proposal=silent, author=author)
    services.proposal_withdraw(proposal=voted, author=author, confirmed=True)
    cache.clear()
    document = client.get(reverse("open_data_json")).json()
    exported = {
        p["id"]: p
        for theme in document["themes"]
        for trajectory in theme["trajectories"]
        for q in trajectory["questions"]
        for p in q["proposals"]
    }
    assert exported[voted.pk]["status"] == "withdrawn"
    assert exported[voted.pk]["votes"] == {"agree": 4, "mixed": 1, "disagree": 1}
    assert silent.pk not in exported
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("open_data_csv")).content.decode())
        )
    )
    assert [(int(r["id"]), r["status"]) for r in rows] == [(voted.pk, "withdrawn")]
    assert list(rows[0]).index("status") > list(rows[0]).index("disagree")
