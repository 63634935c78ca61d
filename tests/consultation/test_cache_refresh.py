"""
Results, key figures and exports are computed once at a time (single-flight) and no
reader waits for a recomputation: a stale entry is served at once and refreshed after
the response is sent; a stampede of cold readers triggers one computation.
"""

import threading
import time

import lxml.html
import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from consultation.cache import (
    RefreshAfterResponseMiddleware,
    cached,
    computations,
    content_changed,
    content_version,
    shown_scope,
    shows_proposals,
    version_key,
)
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


class Counter:
    """A computation that takes `seconds` and counts its runs."""

    def __init__(self, seconds=0.0):
        self.seconds, self.runs = seconds, 0
        self.lock = threading.Lock()

    def __call__(self):
        with self.lock:
            self.runs += 1
            run = self.runs
        time.sleep(self.seconds)
        return f"value {run}"


def test_a_stampede_of_32_cold_readers_triggers_one_computation():
    compute = Counter(seconds=0.3)
    values = []
    barrier = threading.Barrier(32)

    def reader():
        barrier.wait()
        values.append(cached("stampede", 1, compute))

    threads = [threading.Thread(target=reader) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert compute.runs == 1
    assert values == ["value 1"] * 32
    # What `bench` reads across workers to count a stampede's computations.
    assert computations("stampede") == 1


def test_computations_are_counted_per_name_and_survive_a_cleared_entry():
    cached("counted", 1, Counter())
    cached("counted", 1, Counter())  # fresh: not computed again
    assert computations("counted") == 1
    cached("counted", 2, Counter())  # another consultation: another key
    assert computations("counted") == 2
    assert computations("never-computed") == 0


def in_a_request(view):
    """Run `view` as a request would: through the middleware, then close the
    response as the server does once it has sent it."""
    response = RefreshAfterResponseMiddleware(lambda request: view())(
        RequestFactory().get("/")
    )
    content = response.content.decode()
    response.close()
    return content


def test_a_stale_entry_is_served_at_once_and_refreshed_after_the_response(settings):
    settings.RESULTS_CACHE_SECONDS = 0  # every entry stale as soon as stored
    compute = Counter(seconds=0.5)
    assert cached("figures", 1, compute) == "value 1"  # cold: computed

    def view():
        started = time.monotonic()
        value = cached("figures", 1, compute)
        return HttpResponse(f"{value} in {time.monotonic() - started:.2f}")

    served = in_a_request(view)
    value, seconds = served.split(" in ")
    assert value == "value 1"  # the stale value, at once
    assert float(seconds) < 0.2
    assert compute.runs == 2  # refreshed once the response was closed
    assert in_a_request(view).startswith("value 2")


def test_readers_of_a_stale_entry_during_its_refresh_trigger_no_other(settings):
    settings.RESULTS_CACHE_SECONDS = 0
    compute = Counter()
    cached("figures", 1, compute)
    responses = [
        RefreshAfterResponseMiddleware(
            lambda request: HttpResponse(cached("figures", 1, compute))
        )(RequestFactory().get("/"))
        for _ in range(5)
    ]  # five readers while the first one's refresh is still owed
    for response in responses:
        assert response.content == b"value 1"
        response.close()
    assert compute.runs == 2


def published_figure(client):
    page = lxml.html.fromstring(client.get(reverse("results")).content.decode())
    return page.xpath("//dl[@class='key-figures']//dd")[0].text_content().strip()


def test_the_results_page_serves_a_stale_result_then_the_fresh_one(
    client, question, settings
):
    """Fresh for no time at all: each reader gets the entry as it stands and the
    next one the refreshed entry (the page cache keeps nothing for 0 s)."""
    settings.RESULTS_CACHE_SECONDS = 0
    ProposalFactory(question=question)
    assert published_figure(client) == "1"  # cold: computed for this reader
    ProposalFactory(question=question)  # a count moves, the content version not
    assert published_figure(client) == "1"  # stale, served at once
    assert published_figure(client) == "2"  # refreshed after the previous response


def test_a_logged_in_reader_gets_the_results_body_rendered_once(
    client, question, participant, django_assert_max_num_queries
):
    """The results' body is the same for everyone: rendered once per refresh, then
    kept for people who take part too (their pages are never page-cached)."""
    ProposalFactory(question=question)
    client.force_login(participant)
    first = client.get(reverse("results"))
    assert "proposals/includes/results_body.html" in [t.name for t in first.templates]
    with django_assert_max_num_queries(4):  # session, account, consultation
        again = client.get(reverse("results"))
    assert "proposals/includes/results_body.html" not in [
        t.name for t in again.templates
    ]
    main = "//main"
    assert lxml.html.fromstring(again.content.decode()).xpath(main)[
        0
    ].text_content() == (
        lxml.html.fromstring(first.content.decode()).xpath(main)[0].text_content()
    )


class PartsCounter:
    """Computes parts as "<part> <run>", recording which parts each run computed."""

    def __init__(self):
        self.runs = []

    def __call__(self, parts):
        self.runs.append(sorted(parts))
        return {part: f"{part} {len(self.runs)}" for part in parts}


def test_parts_are_kept_per_their_own_scope_and_shared_by_every_language(
    django_capture_on_commit_callbacks,
):
    from django.utils import translation

    from consultation.cache import cached_parts, content_changed, trajectory_scope

    compute = PartsCounter()
    scopes = {pk: [trajectory_scope(pk)] for pk in (1, 2, 3)}
    assert cached_parts("parts", scopes, compute) == {1: "1 1", 2: "2 1", 3: "3 1"}
    with translation.override("en"):
        cached_parts("parts", scopes, compute)
    assert compute.runs == [[1, 2, 3]]  # English reads the same parts
    with django_capture_on_commit_callbacks(execute=True):
        content_changed(7, trajectories=[2])
    assert cached_parts("parts", scopes, compute) == {1: "1 1", 2: "2 2", 3: "3 1"}
    assert compute.runs == [[1, 2, 3], [2]]


def test_stale_parts_are_served_then_computed_together_after_the_response(settings):
    from consultation.cache import cached_parts, trajectory_scope

    settings.RESULTS_CACHE_SECONDS = 0
    compute = PartsCounter()
    scopes = {pk: [trajectory_scope(pk)] for pk in (1, 2)}
    cached_parts("parts", scopes, compute)

    def view():
        return HttpResponse(repr(cached_parts("parts", scopes, compute)))

    assert in_a_request(view) == repr({1: "1 1", 2: "2 1"})  # stale, at once
    assert compute.runs == [[1, 2], [1, 2]]  # then once for both, after it
    # Outside a request (a command, a refresh): the stale parts computed now.
    assert cached_parts("parts", scopes, compute) == {1: "1 3", 2: "2 3"}


def test_a_page_that_shows_proposals_goes_stale_with_a_decision_on_one_of_them(
    django_capture_on_commit_callbacks,
):
    """`shows_proposals`: a decision on a proposal recorded stales its page's scope,
    a decision on another does not; a page with no record goes stale at any."""
    scope = version_key(shown_scope("results", 7))

    def decided(*proposals):
        before = content_version(shown_scope("results", 7))
        with django_capture_on_commit_callbacks(execute=True):
            content_changed(7, trajectories=[1], proposals=proposals)
        return cache.get(scope) != before

    assert decided(3)  # nothing recorded yet
    shows_proposals("results", 7, [1, 2], version_before=content_version(7))
    assert not decided(3)
    assert decided(2)
    # The record only grows: a copy kept from an earlier reading may show 1.
    shows_proposals("results", 7, [4], version_before=content_version(7))
    assert decided(1) and decided(4)


def test_a_proposal_new_to_the_record_decided_while_it_was_read_stales_the_page():
    """The decision came before the record held it: the page is stale at once."""
    before = content_version(7)
    shows_proposals("results", 7, [1], version_before=before)
    scope = content_version(shown_scope("results", 7))
    cache.set(version_key(7), before + 1, None)  # a decision during the reading
    shows_proposals("results", 7, [1], version_before=before)  # nothing new
    assert content_version(shown_scope("results", 7)) == scope
    shows_proposals("results", 7, [1, 5], version_before=before)
    assert content_version(shown_scope("results", 7)) != scope


def test_a_record_past_its_limit_starts_again_and_stales_its_page(monkeypatch):
    """Started again, the record no longer holds what kept copies may show: they go
    stale at once."""
    monkeypatch.setattr("consultation.cache.SHOWN_MAX", 3)
    version = content_version(7)
    shows_proposals("results", 7, [1, 2], version_before=version)
    scope = content_version(shown_scope("results", 7))
    shows_proposals("results", 7, [3], version_before=version)
    assert content_version(shown_scope("results", 7)) == scope
    shows_proposals("results", 7, [4], version_before=version)
    assert content_version(shown_scope("results", 7)) != scope
