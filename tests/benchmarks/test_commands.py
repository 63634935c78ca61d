"""The benchmark tools on small data: `seed_bench` and the pieces of `bench`."""

import os
import re
import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path
from statistics import median

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import Client, RequestFactory, override_settings
from pytest_django.live_server_helper import LiveServer

from benchmarks.management.commands.bench import Command as Bench
from consultation.models import Consultation, User
from proposals.models import ModerationEvent, Participation, Proposal, Vote
from proposals.selectors import proposal_counter_drift, vote_tally_drift
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def seed(*args):
    out = StringIO()
    call_command("seed_bench", "--tier", "small", "--scale", "0.2", *args, stdout=out)
    return out.getvalue()


def test_seed_bench_builds_a_consultation_whose_counters_equal_its_rows():
    output = seed()
    assert "200 participants, 200 proposals, 10,000 votes" in output
    consultation = Consultation.objects.get(slug="banc-d-essai-small")
    assert Consultation.objects.current() == consultation
    assert Vote.objects.count() == 10000
    assert not proposal_counter_drift().exists()
    assert vote_tally_drift() == set()
    voters = set(Vote.objects.values_list("voter", flat=True))
    authors = set(
        Proposal.objects.exclude(author=None).values_list("author", flat=True)
    )
    assert Participation.objects.filter(consultation=consultation).count() == len(
        voters | authors
    )


def test_seed_bench_spreads_participants_and_skews_popularity():
    seed()
    assert User.objects.values("region").distinct().count() >= 10
    assert User.objects.values("organisation_type").distinct().count() >= 6
    counts = sorted(Proposal.objects.values_list("vote_count", flat=True), reverse=True)
    assert counts[0] >= 3 * median(counts)  # a few proposals get most votes
    assert Proposal.objects.filter(source="workshop").exists()
    per_choice = dict(Vote.objects.values_list("choice").annotate(n=Count("id")))
    assert set(per_choice) == {"agree", "mixed", "disagree"}


def test_seed_bench_replaces_its_previous_run():
    seed()
    seed()
    assert Consultation.objects.filter(slug__startswith="banc-d-essai").count() == 1
    assert Vote.objects.count() == 10000


def test_seed_bench_refuses_a_database_with_real_participants():
    UserFactory(email="vraie@exemple.fr")
    with pytest.raises(CommandError, match="real participant"):
        seed()
    assert not Consultation.objects.exists()
    seed("--force")
    assert User.objects.filter(email="vraie@exemple.fr").exists()


def test_bench_measures_every_page_and_its_queries():
    seed()
    bench = Bench()
    pages = bench._pages(Consultation.objects.current())
    assert set(pages) == {
        "ceiling", "home", "theme", "trajectory", "trajectory_best",
        "trajectory_page_50", "trajectory_filtered", "trajectory_search", "proposal",
        "results", "open_data_json", "open_data_csv",
    }  # fmt: skip
    assert pages["trajectory_page_50"].endswith("?page=2")  # small: its last page
    counts = bench._query_counts(pages)
    for name, figures in counts.items():
        if name not in ("ceiling", "vote", "vote_hot"):
            # The home page computes the results' parts it shares with the results
            # (each ranking's ids first, then the rows of the ranked).
            assert 0 < figures["cold"] <= 16, name
            assert figures["warm"] <= figures["cold"], name
    assert counts["results"]["warm"] < counts["results"]["cold"]


@pytest.mark.urls("tests.benchmarks.urls")
def test_bench_measures_the_pages_of_people_who_take_part_logged_in():
    seed()
    bench = Bench()
    member = bench._busiest_participant()
    assert member.email.endswith("@bench.invalid") and member.votes.exists()
    pages = bench._logged_in_pages(bench._pages(Consultation.objects.current()))
    assert set(pages) == {
        "ceiling_logged_in", "home_logged_in", "trajectory_logged_in",
        "trajectory_best_logged_in", "trajectory_page_50_logged_in",
        "trajectory_search_logged_in", "proposal_logged_in", "results_logged_in",
        "my_space_logged_in",
    }  # fmt: skip
    counts = bench._query_counts(pages, member=member)
    for name, figures in counts.items():
        if name != "ceiling_logged_in":
            assert 0 < figures["warm"] <= figures["cold"] <= 18, name
    # Its session is a real one: the logged-in ceiling answers it, not a stranger.
    client = Client()
    client.cookies["sessionid"] = bench._session(member)
    assert client.get(pages["ceiling_logged_in"]).status_code == 200
    assert Client().get(pages["ceiling_logged_in"]).status_code == 403


@pytest.mark.urls("tests.benchmarks.urls")
def test_the_ceilings_are_never_answered_from_the_page_cache():
    reader = Client()
    for _ in range(2):
        response = reader.get("/bench/ceiling/")
        assert response.status_code == 200 and "X-Page-Cache" not in response


def test_the_vote_script_sessions_and_csrf_tokens_really_vote(tmp_path):
    seed()
    bench = Bench()
    targets = bench._vote_targets(Consultation.objects.current())
    script = Path(bench._vote_script(tmp_path, 3, targets)).read_text()
    sessions = re.findall(r'\{"(\w+)", "(\w+)"\}', script)
    assert len(sessions) == 3
    assert str(targets[0]) in script
    session, token = sessions[0]
    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = session
    client.cookies["csrftoken"] = token
    proposal = Proposal.objects.get(pk=targets[0])
    response = client.post(
        f"/propositions/{proposal.pk}/voter/",
        {"choice": "mixed"},
        HTTP_X_CSRFTOKEN=token,
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert response.json()["choice"] == "mixed"


def test_the_consultation_day_mix_reads_hundreds_of_addresses_that_all_answer():
    seed()
    member = Bench()._busiest_participant()
    anonymous, logged_in, listings = Bench()._mix_paths(Consultation.objects.current())
    assert len(set(anonymous)) >= 200
    assert listings < set(anonymous)
    reader, participant = Client(), Client()
    participant.force_login(member)
    for path in anonymous[::7]:
        assert reader.get(path).status_code == 200, path
    for path in logged_in[::5]:
        assert participant.get(path).status_code == 200, path


def test_the_orders_cookies_are_the_sites_own():
    """Each signed cookie the mix sends gives its list order, as a visitor's does."""
    from benchmarks.management.commands.bench import _order_cookies
    from consultation.page_cache import SHUFFLE_BUCKETS, shuffle_bucket

    cookies = _order_cookies()
    assert len(cookies) == SHUFFLE_BUCKETS
    for bucket, cookie in enumerate(cookies):
        name, value = cookie.split("=", 1)
        request = RequestFactory().get("/")
        request.COOKIES[name] = value
        assert shuffle_bucket(request) == bucket
        assert not request.shuffle_bucket_is_new


@pytest.mark.urls("tests.benchmarks.urls")
def test_logged_in_pages_are_read_by_fifty_real_sessions_each_with_an_order():
    from benchmarks.management.commands.bench import SESSIONS
    from consultation.page_cache import shuffle_bucket

    seed()
    bench = Bench()
    member = bench._busiest_participant()
    cookies = bench._participant_cookies(member)
    assert len(cookies) == SESSIONS == 50
    readers, orders = set(), set()
    for cookie in cookies:
        client = Client()
        for pair in cookie.split("; "):
            name, value = pair.split("=", 1)
            client.cookies[name] = value
        response = client.get("/bench/ceiling/connecte/")
        assert response.status_code == 200
        readers.add(response.wsgi_request.user.pk)
        request = RequestFactory().get("/")
        request.COOKIES = {
            name: morsel.value for name, morsel in client.cookies.items()
        }
        orders.add(shuffle_bucket(request))
        assert not request.shuffle_bucket_is_new
    assert len(readers) == 50 and member.pk in readers
    assert len(orders) == 16
    # Only people who vote: each has facts of their own to fill in.
    assert not User.objects.filter(pk__in=readers, votes__isnull=True).exists()


def test_the_lock_times_are_read_as_median_and_p95(tmp_path):
    from benchmarks.management.commands.bench import _lock_figures

    log = tmp_path / "locks.txt"
    log.write_text("".join(f"{n / 10000:.6f}\n" for n in range(1, 101)))
    assert _lock_figures(log) == {"votes": 100, "p50_ms": 5.1, "p95_ms": 9.6}
    log.write_text("")
    assert _lock_figures(log) == {"votes": 0, "p50_ms": None, "p95_ms": None}


class Decisions:
    """A stop signal for `_decide_until` that lets `count` decisions through."""

    def __init__(self, count):
        self.left = count

    def wait(self, seconds):
        self.left -= 1
        return self.left < 0


def test_the_mix_moderator_rejects_and_publishes_back_and_leaves_all_published():
    from benchmarks.management.commands.bench import _bench_moderator, _decide_until

    seed()
    consultation = Consultation.objects.current()
    published = Proposal.objects.filter(status="published").count()
    decisions = []
    _decide_until(consultation, _bench_moderator(), Decisions(5), decisions)
    assert decisions == ["ok"] * 5
    events = ModerationEvent.objects.order_by("pk").values_list("action", flat=True)
    assert list(events) == ["rejected", "published"] * 3
    assert Proposal.objects.filter(status="published").count() == published


def test_the_memory_of_each_worker_is_read_from_proc():
    parent = subprocess.Popen(  # a master with one worker, as gunicorn's
        [
            sys.executable, "-c",
            "import subprocess, sys, time; "
            "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(20)']); "
            "time.sleep(20)",
        ]
    )  # fmt: skip
    try:
        for _ in range(50):
            memory = Bench()._worker_memory(parent)
            if memory:
                break
            time.sleep(0.1)
        assert len(memory) == 1 and 1 < memory[0] < 200
    finally:
        for pid in (
            Path(f"/proc/{parent.pid}/task/{parent.pid}/children").read_text().split()
        ):
            os.kill(int(pid), signal.SIGKILL)
        parent.kill()
        parent.wait()


@pytest.fixture
def served():
    """The site on a live server speaking plain HTTP on 127.0.0.1 (its middleware
    reads the settings once, when it starts): the options `bench` would pass."""
    with override_settings(ALLOWED_HOSTS=["127.0.0.1"], SECURE_SSL_REDIRECT=False):
        server = LiveServer("127.0.0.1")
        yield {"port": server.url.rsplit(":", 1)[1]}
        server.stop()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_exports_are_checked_gzipped_and_conditional(served):
    seed()
    pages = Bench()._pages(Consultation.objects.current())
    port = served
    exports = Bench()._exports(port, pages)
    for name in ("open_data_json", "open_data_csv"):
        assert exports[name]["conditional_status"] == 304
        assert exports[name]["gzip_bytes"] < exports[name]["bytes"] / 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_stampede_of_cold_readers_is_measured_with_its_computations(served):
    seed()
    pages = Bench()._pages(Consultation.objects.current())
    port = served
    stampede = Bench()._stampede(port, pages, readers=8)
    assert stampede["results"]["computations"] == {"results": 1, "results-body": 1}
    assert stampede["home"]["computations"] == {"figures": 1}
    assert stampede["open_data_json"]["computations"] == {"open-data-json": 1}
    assert stampede["results"]["readers"] == 8
