"""
Failures on a real server: a gunicorn worker killed in the middle of a burst of votes
loses no vote and counts none twice. PostgreSQL only (CI's PostgreSQL pass): the server
runs in another process and needs the test database to be a real one.
"""

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from proposals.models import Vote
from proposals.selectors import proposal_counter_drift, vote_tally_drift
from tests.factories import ProposalFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="the fault tests need PostgreSQL (CI runs them in its PostgreSQL pass)",
    ),
]

ROOT = Path(__file__).resolve().parents[1]
PORT = 8799


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def server():
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_FROM_FINDERS": "1",
        "RATE_LIMIT_VOTE_USER": "100000/m",
        "RATE_LIMIT_VOTE_IP": "100000/m",
    }
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(  # noqa: S603 - our interpreter, our arguments
        [
            sys.executable, "-m", "gunicorn", "consultation.wsgi", "--workers", "2",
            "--bind", f"127.0.0.1:{PORT}", "--log-level", "error",
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)  # noqa: S310
            break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("gunicorn did not start")
    yield process
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def session_for(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key, secrets.token_hex(16)


def post_vote(proposal_id, session, choice):
    session_key, csrf = session
    request = urllib.request.Request(  # noqa: S310 - the local test server
        f"http://127.0.0.1:{PORT}/propositions/{proposal_id}/voter/",
        data=f"choice={choice}".encode(),
        headers={
            "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None  # the connection died with the worker


def test_a_worker_killed_during_a_burst_of_votes_loses_and_doubles_nothing(server):
    proposals = ProposalFactory.create_batch(3)
    voters = UserFactory.create_batch(60)
    sessions = {voter.pk: session_for(voter) for voter in voters}
    choices = ["agree", "mixed", "disagree"]
    # Every voter votes on every proposal, each request sent twice (a double click).
    wanted = {
        (proposal.pk, voter.pk): choices[(i + j) % 3]
        for i, proposal in enumerate(proposals)
        for j, voter in enumerate(voters)
    }
    requests = [(p, v, c) for (p, v), c in wanted.items()] * 2

    workers = [
        int(pid)
        for pid in Path(f"/proc/{server.pid}/task/{server.pid}/children")
        .read_text()
        .split()
    ]
    assert len(workers) == 2

    def kill_one_worker():
        time.sleep(0.4)
        os.kill(workers[0], signal.SIGKILL)

    killer = threading.Thread(target=kill_one_worker)
    killer.start()
    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(
            pool.map(lambda r: (r, post_vote(r[0], sessions[r[1]], r[2])), requests)
        )
    killer.join()

    failed = [request for request, status in outcomes if status != 200]
    # A client retries what failed, as the page's script would (or the person would).
    for proposal_id, voter_id, choice in failed:
        assert post_vote(proposal_id, sessions[voter_id], choice) == 200

    votes = {(v.proposal_id, v.voter_id): v.choice for v in Vote.objects.all()}
    assert votes == wanted  # no vote lost, none counted twice, each the last choice
    assert not proposal_counter_drift().exists()
    assert vote_tally_drift() == set()
    print(  # noqa: T201 - figures for the record
        f"fault test: {len(requests)} vote requests, {len(failed)} failed when the worker "
        f"was killed and were retried; {len(votes)} votes, drift 0"
    )
