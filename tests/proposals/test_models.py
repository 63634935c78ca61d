import pytest
from django.db import IntegrityError, transaction

from proposals.models import Proposal, Vote
from tests.factories import ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_vote_by_the_same_voter():
    proposal, voter = ProposalFactory(), UserFactory()
    Vote.objects.create(proposal=proposal, voter=voter, choice="agree")
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(proposal=proposal, voter=voter, choice="disagree")
    assert Vote.objects.filter(proposal=proposal).count() == 1


def test_the_database_refuses_an_unknown_vote_choice():
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(
            proposal=ProposalFactory(), voter=UserFactory(), choice="maybe"
        )


@pytest.mark.parametrize("counter", ["agree_count", "mixed_count", "disagree_count"])
def test_the_database_refuses_a_negative_counter(counter):
    proposal = ProposalFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(**{counter: -1})


def test_the_database_refuses_an_unknown_status():
    proposal = ProposalFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(status="archived")


def test_the_database_refuses_an_unknown_source():
    proposal = ProposalFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(source="email")


def test_the_database_refuses_a_rejection_without_a_reason():
    proposal = ProposalFactory(status="pending")
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(
            status="rejected", moderation_reason=""
        )


def test_a_long_proposal_is_shortened_in_its_string_form():
    proposal = ProposalFactory.build(text="x" * 200)
    assert len(str(proposal)) == 80 and str(proposal).endswith("…")
