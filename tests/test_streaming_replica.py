"""
A real streaming replica: a PostgreSQL primary and a standby made with
`pg_basebackup -R` (`tests.postgres_cluster`), the site on gunicorn reading anonymous
pages from the standby. Whoever votes reads their own page from the primary and sees
their vote at once; an anonymous reader reads the standby (the old figure while its
replay is paused); a standby lagging beyond `DATABASE_REPLICA_MAX_LAG` seconds, or
stopped, is skipped: pages still answer, from the primary, and `/healthz` says so.
"""

import json
import time
import urllib.request

import pytest

from tests.postgres_cluster import primary_and_standby
from tests.servers import Site, production_env, seeded_database, shell

NO_VOTE = "Pas encore de vote."
ONE_VOTE = "1 vote, 100"


@pytest.fixture(scope="module")
def replicated():
    with primary_and_standby() as (primary, standby):
        primary.sql("CREATE DATABASE site")
        url = seeded_database(url=primary.url("site"))

        def site(max_lag):
            return Site(
                production_env(
                    DATABASE_URL=url,
                    DATABASE_REPLICA_URL=standby.url("site"),
                    DATABASE_REPLICA_MAX_LAG=str(max_lag),
                    RESULTS_CACHE_SECONDS="1",
                )
            )

        patient, strict = site(max_lag=600), site(max_lag=1)
        proposals = shell(
            production_env(DATABASE_URL=url),
            "from proposals.models import Proposal; print(' '.join(str(pk) for pk in "
            "Proposal.objects.filter(status='published').values_list('pk', "
            "flat=True)[:3]))",
        ).split()
        try:
            patient.login()
            yield patient, strict, primary, standby, proposals
        finally:
            patient.stop()
            strict.stop()


def anonymous(site, path):
    """A page read without any cookie: (status, body)."""
    with urllib.request.urlopen(site.base + path, timeout=30) as response:  # noqa: S310
        return response.status, response.read().decode()


def caught_up(primary, standby):
    """Write on the primary and wait until the standby has replayed it."""
    primary.sql("CREATE TABLE IF NOT EXISTS heartbeat (at timestamptz)", "site")
    primary.sql("INSERT INTO heartbeat VALUES (now())", "site")
    lsn = primary.sql("SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + 30
    while standby.sql(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'") != "t":
        assert time.monotonic() < deadline
        time.sleep(0.1)


def vote(site, proposal):
    token = site.csrf_token(f"/propositions/{proposal}/")
    status, _headers, _body = site.request(
        f"/propositions/{proposal}/voter/",
        {"csrfmiddlewaretoken": token, "choice": "agree"},
    )
    assert status == 302


def health(site):
    status, _headers, body = site.request("/healthz")
    return status, json.loads(body)


def test_who_votes_sees_it_and_anonymous_readers_read_the_standby(replicated):
    patient, _strict, primary, standby, proposals = replicated
    caught_up(primary, standby)
    assert health(patient) == (
        200,
        {"status": "ok", "database": "ok", "cache": "ok", "replica": "ok"},
    )
    standby.sql("SELECT pg_wal_replay_pause()")
    try:
        vote(patient, proposals[0])
        own = patient.request(f"/propositions/{proposals[0]}/")[2]
        assert ONE_VOTE in own  # from the primary
        status, page = anonymous(patient, f"/propositions/{proposals[0]}/")
        assert status == 200 and NO_VOTE in page  # the standby, paused
    finally:
        standby.sql("SELECT pg_wal_replay_resume()")
    deadline = time.monotonic() + 20
    while ONE_VOTE not in anonymous(patient, f"/propositions/{proposals[0]}/")[1]:
        assert time.monotonic() < deadline, "the standby's figure never came"
        time.sleep(0.5)


def test_a_standby_lagging_beyond_the_limit_is_skipped(replicated):
    patient, strict, primary, standby, proposals = replicated
    caught_up(primary, standby)
    standby.sql("SELECT pg_wal_replay_pause()")
    try:
        vote(patient, proposals[1])
        time.sleep(2.5)  # beyond the strict server's 1 s
        status, page = anonymous(strict, f"/propositions/{proposals[1]}/")
        assert status == 200 and ONE_VOTE in page  # read from the primary
        assert health(strict) == (
            200,
            {"status": "ok", "database": "ok", "cache": "ok", "replica": "lagging"},
        )
    finally:
        standby.sql("SELECT pg_wal_replay_resume()")
    caught_up(primary, standby)
    time.sleep(1.5)  # the server checks its replica at most once a second
    assert health(strict)[1]["replica"] == "ok"


def test_a_stopped_standby_is_skipped(replicated):
    patient, _strict, _primary, standby, proposals = replicated
    standby.stop("immediate")
    time.sleep(1.5)
    for path in ("/", f"/propositions/{proposals[2]}/", "/resultats/"):
        assert anonymous(patient, path)[0] == 200, path
    assert health(patient) == (
        200,
        {"status": "ok", "database": "ok", "cache": "ok", "replica": "down"},
    )
