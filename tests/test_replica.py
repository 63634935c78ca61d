"""The database router: anonymous read-only requests read from the replica alias."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from proposals.models import Vote
from tests.factories import ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db(
    databases=["default", "replica"], transaction=True, serialized_rollback=True
)


@pytest.fixture
def replica_enabled(settings):
    settings.DATABASE_REPLICA_ENABLED = True


def captured(client, method, url, **data):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = getattr(client, method)(url, data)
    return response, primary, replica


def test_anonymous_public_pages_read_from_the_replica(
    client, question, replica_enabled
):
    proposal = ProposalFactory(question=question)
    for url in (
        reverse("home"),
        proposal.get_absolute_url(),
        reverse("results"),
    ):
        response, primary, replica = captured(client, "get", url)
        assert response.status_code == 200
        assert len(replica) > 0, url
        assert not [q for q in primary if "proposals_proposal" in q["sql"]], url


def test_logged_in_people_and_writes_use_the_primary(client, question, replica_enabled):
    proposal = ProposalFactory(question=question)
    voter = UserFactory()
    client.force_login(voter)
    response, primary, replica = captured(client, "get", proposal.get_absolute_url())
    assert response.status_code == 200 and len(replica) == 0
    response, primary, replica = captured(
        client, "post", reverse("vote", args=[proposal.pk]), choice="agree"
    )
    assert response.status_code == 302
    assert len(replica) == 0
    # The vote's write: its INSERT (SQLite), the vote's function (PostgreSQL).
    writes = [
        q["sql"]
        for q in primary
        if ("INSERT" in q["sql"] and "proposals_vote" in q["sql"])
        or "proposals_vote_cast(" in q["sql"]
    ]
    assert writes and Vote.objects.filter(proposal=proposal, voter=voter).exists()


def test_without_a_replica_everything_uses_the_primary(client, question):
    proposal = ProposalFactory(question=question)
    response, primary, replica = captured(client, "get", proposal.get_absolute_url())
    assert response.status_code == 200 and len(replica) == 0 and len(primary) > 0


@pytest.mark.skipif(
    connections["default"].vendor != "postgresql",
    reason="the replica's lag is asked of PostgreSQL only",
)
def test_the_replica_s_health_is_asked_at_most_once_a_second(replica_enabled):
    from consultation import routers

    routers._checked["at"] = float("-inf")
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        states = [routers.replica_state() for _ in range(5)]
    asked = [q for q in [*primary, *replica] if "pg_last_wal_replay_lsn" in q["sql"]]
    assert states == ["ok"] * 5 and len(asked) == 1
