"""
A consultation's phases open and close on their dates, without anyone touching the
admin: the predicates read the phase in force, and the pages show the dates.
"""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from consultation.models import Phase
from proposals import permissions, services
from tests.factories import UserFactory
from tests.refusals import refused

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def reload(proposal):
    return (
        type(proposal)
        .objects.select_related("question__trajectory__consultation")
        .get(pk=proposal.pk)
    )


def test_votes_close_at_the_closing_time(consultation, published_proposal):
    voter = UserFactory()
    consultation.closes_at = timezone.now() + HOUR
    consultation.save()
    assert permissions.vote_refusal(voter, reload(published_proposal)) is None
    consultation.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    consultation.save()
    consultation.refresh_from_db()
    assert consultation.phase == Phase.CONTRIBUTIONS  # nobody changed it…
    assert consultation.current_phase == Phase.CLOSED  # …the date did
    with refused("vote.closed"):
        services.vote_cast(proposal=published_proposal, voter=voter, choice="agree")


def test_contributions_close_then_votes_go_on(
    consultation, question, published_proposal
):
    author = UserFactory()
    consultation.contributions_close_at = timezone.now() - HOUR
    consultation.closes_at = timezone.now() + HOUR
    consultation.save()
    assert consultation.current_phase == Phase.VOTES
    with refused("submission.phase"):
        services.proposal_submit(
            author=author, question=question, text="Une idée arrivée trop tard."
        )
    services.vote_cast(proposal=published_proposal, voter=author, choice="agree")


def test_nothing_is_accepted_before_the_opening(consultation, published_proposal):
    consultation.opens_at = timezone.now() + HOUR
    consultation.save()
    refusal = permissions.vote_refusal(UserFactory(), reload(published_proposal))
    assert refusal.startswith("La consultation ouvre le ")


def test_the_open_data_and_the_pages_give_the_phase_in_force_and_both_dates(
    client, consultation
):
    consultation.opens_at = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    consultation.contributions_close_at = datetime.datetime(
        2026, 9, 30, 21, 59, tzinfo=datetime.UTC
    )
    consultation.closes_at = datetime.datetime(
        2026, 10, 31, 22, 59, tzinfo=datetime.UTC
    )
    consultation.save()
    cache.clear()
    assert client.get(reverse("open_data_json")).json()["consultation"]["phase"] == (
        "closed"
    )
    page = client.get(reverse("home")).content.decode()
    assert "2 mars 2026" in page and "31 octobre 2026" in page
    assert "close depuis le 31 octobre 2026" in page


def test_the_database_refuses_dates_out_of_order(consultation):
    from django.db import IntegrityError, transaction

    consultation.closes_at = consultation.opens_at - HOUR
    with pytest.raises(IntegrityError), transaction.atomic():
        consultation.save()
