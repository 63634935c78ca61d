"""
The rate limits of votes and proposals (`consultation.security.rate_limited`): per
account and per address, both counted in one round trip to Redis, nothing refused when
Redis does not answer.
"""

import pytest
import redis
from django.urls import reverse

from consultation.cache_backends import FailSafeRedisCacheClient
from consultation.security import _over_rate_limits
from proposals.models import Vote
from tests.factories import ProposalFactory, UserFactory
from tests.servers import closed_port, redis_server

VOTE_LIMITS = (("user", "vote_user"), ("ip", "vote_ip"))


def _redis_cache(settings, url):
    settings.CACHES = {
        "default": {
            "BACKEND": "consultation.cache_backends.FailSafeRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def _calls(client):
    stats = client.info("commandstats")
    return {name: stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in (
        "evalsha", "set", "get", "incr", "incrby"
    )}  # fmt: skip


@pytest.mark.django_db
def test_both_limits_are_counted_in_one_round_trip_to_redis(tmp_path, settings, rf):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote_user": "2/m"}
    request = rf.post("/")
    request.user = UserFactory()
    with redis_server(tmp_path) as url:
        _redis_cache(settings, url)
        watcher = redis.Redis.from_url(url)
        # The script is sent to the server once, with a process's first count.
        warm_up = rf.post("/")
        warm_up.user = UserFactory()
        _over_rate_limits(warm_up, VOTE_LIMITS)
        before = _calls(watcher)
        refused = [_over_rate_limits(request, VOTE_LIMITS) for _ in range(3)]
        after = _calls(watcher)
        keys = watcher.keys("*rate-limit*")
        lives = [watcher.ttl(key) for key in keys]
    assert refused == [False, False, True]
    # One script a check (its two INCRs inside), nothing else sent.
    assert after["evalsha"] - before["evalsha"] == 3
    assert after["incr"] - before["incr"] == 6
    assert [after[name] - before[name] for name in ("set", "get", "incrby")] == [0] * 3
    assert len(keys) == 3 and all(0 < seconds <= 61 for seconds in lives)


@pytest.mark.django_db
def test_nothing_is_refused_when_redis_does_not_answer(settings, rf, monkeypatch):
    monkeypatch.setattr(FailSafeRedisCacheClient, "_down_until", 0.0)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote_user": "1/m"}
    _redis_cache(settings, f"redis://127.0.0.1:{closed_port()}/0")
    request = rf.post("/")
    request.user = UserFactory()
    assert [_over_rate_limits(request, VOTE_LIMITS) for _ in range(3)] == [False] * 3


def test_votes_are_limited_per_address_whatever_the_account(client, question, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote_ip": "2/m"}
    proposal = ProposalFactory(question=question)
    statuses = []
    for voter in UserFactory.create_batch(3):
        client.force_login(voter)
        statuses.append(
            client.post(
                reverse("vote", args=[proposal.pk]), {"choice": "agree"}
            ).status_code
        )
    assert statuses == [302, 302, 429]
    assert Vote.objects.count() == 2


def test_a_rate_over_several_minutes_counts_over_them(settings, rf, db, monkeypatch):
    """ "1/5m": one in five minutes (django-ratelimit's way of writing rates), so a
    second two minutes later is refused; one a minute would let it through."""
    from types import SimpleNamespace

    from consultation import security

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote_user": "1/5m"}
    request = rf.post("/")
    request.user = UserFactory()
    start = 300 * 5_000_000 + 10  # early in a five-minute window
    refused = []
    for at in (start, start + 120):
        monkeypatch.setattr(security, "time", SimpleNamespace(time=lambda at=at: at))
        refused.append(_over_rate_limits(request, VOTE_LIMITS))
    assert refused == [False, True]


def test_an_anonymous_request_is_counted_per_account_by_its_address(settings, rf, db):
    from django.contrib.auth.models import AnonymousUser

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote_user": "1/m"}
    requests = []
    for address in ("192.0.2.1", "192.0.2.1", "192.0.2.2"):
        request = rf.post("/", REMOTE_ADDR=address)
        request.user = AnonymousUser()
        requests.append(request)
    limits = (("user", "vote_user"),)
    assert [_over_rate_limits(request, limits) for request in requests] == [
        False,
        True,
        False,
    ]
