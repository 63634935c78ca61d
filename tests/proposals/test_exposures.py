"""
Exposures: how often each published proposal was shown in a list in the random order,
counted in the cache (never a query on the list page), added to the database in
batches by `flush_exposures`, and published per trajectory (spread and Gini) on the
results page and in open data. The random order is measured fair.
"""

import json
import random
from io import StringIO

import pytest
from django.core import signing
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultation.page_cache import SHUFFLE_BUCKETS, SHUFFLE_COOKIE, SHUFFLE_SALT
from proposals.exposures import exposures_add, exposures_batch
from proposals.fairness import exposure_spread, gini
from proposals.models import Exposure, Proposal
from proposals.services.exposures import exposures_flush
from tests.factories import ProposalFactory
from tests.servers import closed_port, redis_server

pytestmark = pytest.mark.django_db


def exposures():
    return dict(Exposure.objects.values_list("proposal_id", "count"))


def order_cookie(bucket):
    signer = signing.get_cookie_signer(salt=SHUFFLE_COOKIE + SHUFFLE_SALT)
    return signer.sign(str(bucket))


def reader(bucket):
    client = Client()
    client.cookies[SHUFFLE_COOKIE] = order_cookie(bucket)
    return client


@pytest.fixture
def listed(question):
    """A trajectory of 45 published proposals (three pages of 20)."""
    ProposalFactory.create_batch(45, question=question)
    return question.trajectory


# --- Gini ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([5, 5, 5, 5], 0.0),
        ([0, 0, 0, 12], 0.75),  # one of four took everything: (n - 1) / n
        ([1, 2, 3, 4], 0.25),
        ([], 0.0),
        ([0, 0], 0.0),
    ],
)
def test_gini(values, expected):
    assert gini(values) == pytest.approx(expected)


def test_the_spread_of_exposures():
    assert exposure_spread([3, 1, 2, 10]) == {
        "min": 1, "median": 2.5, "max": 10, "gini": 0.438, "total": 16,
    }  # fmt: skip


# --- Counting ------------------------------------------------------------------------


def test_a_page_in_the_random_order_counts_what_it_shows(listed):
    page = Client().get(listed.get_absolute_url())
    shown = [p.pk for p in page.context["page_obj"]]
    assert len(shown) == 20
    exposures_flush()
    assert exposures() == dict.fromkeys(shown, 1)


def test_other_orders_and_searches_count_nothing(listed):
    for query in ("?sort=best", "?sort=recent", "?q=proposition"):
        assert Client().get(listed.get_absolute_url() + query).status_code == 200
    assert exposures_flush() == (0, 0)
    assert exposures() == {}


def test_counting_adds_no_sql_query_to_a_list_page(listed):
    url = listed.get_absolute_url()
    Client().get(url)  # warm what the page keeps (fragments)
    with CaptureQueriesContext(connection) as queries:
        reader(3).get(url + "?page=2")
    assert queries.captured_queries  # a page that was computed…
    assert not [q for q in queries if "exposure" in q["sql"]]  # …wrote no count
    with CaptureQueriesContext(connection) as queries:
        exposures_add([1, 2, 3])
    assert len(queries) == 0


def test_the_page_cache_counts_each_page_it_serves(listed):
    url = listed.get_absolute_url()
    first = reader(5).get(url)
    again = reader(5).get(url)
    assert again["X-Page-Cache"] == "hit"
    exposures_flush()
    shown = [p.pk for p in first.context["page_obj"]]
    assert exposures() == dict.fromkeys(shown, 2)


def test_a_stale_page_rendered_again_after_its_response_counts_nothing_more(
    listed, settings
):
    settings.RESULTS_CACHE_SECONDS = 0  # every kept page is stale at once
    url = listed.get_absolute_url()
    first = reader(7).get(url)
    stale = reader(7).get(url)  # served, then rendered again after its response
    assert stale["X-Page-Cache"] == "stale"
    exposures_flush()
    shown = [p.pk for p in first.context["page_obj"]]
    assert exposures() == dict.fromkeys(shown, 2)


def test_flushes_add_up_and_drop_deleted_proposals(listed):
    proposals = list(Proposal.objects.order_by("pk")[:3])
    exposures_add([p.pk for p in proposals])
    exposures_add([proposals[0].pk])
    assert exposures_flush() == (3, 4)
    exposures_add([proposals[0].pk, 999_999])
    out = StringIO()
    call_command("flush_exposures", stdout=out)
    assert out.getvalue().strip() == "1 exposure(s) of 1 proposal(s) added."
    assert exposures() == {proposals[0].pk: 3, proposals[1].pk: 1, proposals[2].pk: 1}
    assert exposures_flush() == (0, 0)


def test_a_failed_flush_keeps_its_batch_for_the_next(listed):
    pk = Proposal.objects.order_by("pk").first().pk
    exposures_add([pk, pk])
    with pytest.raises(RuntimeError), exposures_batch() as counts:
        assert counts == {pk: 2}
        raise RuntimeError("the database went away")
    exposures_add([pk])
    assert exposures_flush() == (1, 3)


# --- Fairness ------------------------------------------------------------------------

# With the random order, after VISITS visits of readers spread over the 16 orders, the
# Gini coefficient of a trajectory's exposures stays below these bounds: visits of the
# first page only (the harshest case: 20 of 45 proposals on each order's first page),
# and visits that go on to the next pages as readers do (60 % stop at the first, 25 %
# at the second, 15 % read the third).
VISITS = 240
GINI_FIRST_PAGE_ONLY = 0.25
GINI_READERS = 0.15


@pytest.mark.parametrize(
    ("pages", "bound"),
    [((1,), GINI_FIRST_PAGE_ONLY), ((1, 1, 1, 1, 2, 2, 3), GINI_READERS)],
    ids=["first-page-only", "readers"],
)
def test_the_random_order_shows_a_trajectorys_proposals_evenly(listed, pages, bound):
    chance = random.Random(2026)
    url = listed.get_absolute_url()
    for _ in range(VISITS):
        page = chance.choice(pages)
        for number in range(1, page + 1):
            query = "" if number == 1 else f"?page={number}"
            reader(chance.randrange(SHUFFLE_BUCKETS)).get(url + query)
    exposures_flush()
    counts = [
        exposures().get(pk, 0) for pk in Proposal.objects.values_list("pk", flat=True)
    ]
    assert min(counts) > 0  # every proposal was shown
    measured = gini(counts)
    print(f"Gini after {VISITS} visits ({pages}): {measured:.3f}")  # noqa: T201
    assert measured < bound
    # A fixed order (best ranked) would have shown the same 20 on every first page:
    assert gini([VISITS] * 20 + [0] * 25) > 0.5


# --- Published -----------------------------------------------------------------------


def test_the_results_and_open_data_publish_the_spread(client, listed):
    url = listed.get_absolute_url()
    for bucket in range(4):
        reader(bucket).get(url)
    exposures_flush()
    counts = list(exposures().values())
    page = client.get(reverse("results")).content.decode()
    assert "ordre aléatoire a-t-il été équitable ?" in page
    assert f"{gini(counts + [0] * (45 - len(counts))):.2f}".replace(".", ",") in page
    document = json.loads(client.get(reverse("open_data_json")).content)
    [theme] = document["themes"]
    [trajectory] = theme["trajectories"]
    assert trajectory["exposure"]["total"] == 80
    proposals = trajectory["questions"][0]["proposals"]
    assert sum(p["exposures"] for p in proposals) == 80


# --- With Redis ----------------------------------------------------------------------


@pytest.fixture
def redis_cache(tmp_path):
    """A real Redis server of its own, as the cache (fail-open backend)."""
    backend = "consultation.cache_backends.FailSafeRedisCache"
    with (
        redis_server(tmp_path) as location,
        override_settings(
            CACHES={"default": {"BACKEND": backend, "LOCATION": location}}
        ),
    ):
        yield caches["default"]


def test_with_redis_counts_are_a_hash_set_aside_then_written(listed, redis_cache):
    from consultation.cache_backends import FailSafeRedisCacheClient

    FailSafeRedisCacheClient._down_until = 0.0
    url = listed.get_absolute_url()
    shown = [p.pk for p in reader(2).get(url).context["page_obj"]]
    reader(2).get(url)  # from the page cache: counted too
    client = redis_cache._cache.get_client(write=True)
    key = redis_cache.make_and_validate_key("exposures")
    assert {int(k): int(v) for k, v in client.hgetall(key).items()} == dict.fromkeys(
        shown, 2
    )
    assert exposures_flush() == (20, 40)
    assert not client.exists(key)
    assert exposures() == dict.fromkeys(shown, 2)


def test_without_redis_the_list_pages_still_answer(listed):
    from consultation.cache_backends import FailSafeRedisCacheClient

    location = f"redis://127.0.0.1:{closed_port()}/0"
    backend = "consultation.cache_backends.FailSafeRedisCache"
    with override_settings(
        CACHES={"default": {"BACKEND": backend, "LOCATION": location}}
    ):
        FailSafeRedisCacheClient._down_until = 0.0
        assert Client().get(listed.get_absolute_url()).status_code == 200
        assert exposures_flush() == (0, 0)
    FailSafeRedisCacheClient._down_until = 0.0


def test_with_redis_a_pages_exposures_are_one_command(redis_cache):
    """One script call for the 20 ids of a page, not a command for each."""
    client = redis_cache._cache.get_client()
    exposures_add([1, 2, 3])  # loads the script
    before = client.info("commandstats")
    exposures_add(list(range(1, 21)))
    after = client.info("commandstats")
    sent = {
        name: after[name]["calls"] - before.get(name, {"calls": 0})["calls"]
        for name in after
        if name != "cmdstat_info"
    }
    assert sent.get("cmdstat_evalsha") == 1
    assert sent.get("cmdstat_hincrby") == 20  # inside the script
