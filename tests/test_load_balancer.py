"""
Two application servers behind HAProxy, run with the repository's own
`deploy/haproxy.cfg`: under a steady load of page reads and votes, one server is
killed outright and the other restarted gracefully. Only the requests in flight on
the killed server may fail; every acknowledged vote is in the database, the counters
do not drift, and a session opened through one server is valid on the other.
"""

import contextlib
import http.client
import http.server
import os
import random
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

from tests.servers import (
    ROOT,
    Site,
    closed_port,
    listening,
    manage,
    production_env,
    seeded_database,
    shell,
)

CLIENTS = 4
CUT = "cut"  # a response that its server's death cut in the middle
SECONDS = 8
VOTERS = 30


def _haproxy():
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not os.path.exists(binary):
        if os.environ.get("CI"):
            pytest.fail("haproxy is missing in CI")
        pytest.skip("haproxy is not installed (Debian: apt-get install haproxy)")
    return binary


@contextlib.contextmanager
def _balancer(*servers):
    """HAProxy with the repository's configuration in front of two local ports:
    its address."""
    haproxy = _haproxy()
    front = closed_port()
    balancer = subprocess.Popen(  # noqa: S603 - the machine's haproxy, our file
        [haproxy, "-f", str(ROOT / "deploy" / "haproxy.cfg"), "-db"],
        env={
            "HAPROXY_BIND": f"127.0.0.1:{front}",
            "APP_SERVER_1": f"127.0.0.1:{servers[0]}",
            "APP_SERVER_2": f"127.0.0.1:{servers[1]}",
            "SITE_HOST": "127.0.0.1",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert listening(front, timeout=30)
        time.sleep(1.5)  # both servers seen healthy
        yield f"http://127.0.0.1:{front}"
    finally:
        balancer.terminate()
        balancer.wait(10)


@pytest.fixture(scope="module")
def balanced(tmp_path_factory):
    _haproxy()
    env = production_env(
        DATABASE_URL=seeded_database(tmp_path_factory.mktemp("balanced")),
        RATE_LIMIT_VOTE_USER="100000/m",
        RATE_LIMIT_VOTE_IP="100000/m",
    )
    ports = [closed_port(), closed_port()]
    servers = [Site(env, workers=2, port=port) for port in ports]
    try:
        with _balancer(*ports) as base:
            yield env, servers, ports, base
    finally:
        for server in servers:
            server.stop()


def _sessions(env):
    """VOTERS identified organisations, each logged in: {session key: csrf token}."""
    lines = shell(
        env,
        "import secrets; from django.contrib.auth import BACKEND_SESSION_KEY, "
        "HASH_SESSION_KEY, SESSION_KEY; from django.contrib.sessions.backends.db "
        "import SessionStore; from django.utils import timezone; from "
        "consultation.models import Region, User\n"
        f"for i in range({VOTERS}):\n"
        # No password: the sessions are written here, and hashing one costs a
        # second of the machine.
        "    user = User.objects.create_user(f'votante{i}@exemple.fr', "
        "None, organisation=f'Votante {i}', "
        "organisation_type='association', region=Region.objects.get(code='53'), "
        "organisation_verified=True, email_confirmed_at=timezone.now())\n"
        "    store = SessionStore(); store[SESSION_KEY] = str(user.pk)\n"
        "    store[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "    store[HASH_SESSION_KEY] = user.get_session_auth_hash(); store.create()\n"
        "    print(user.pk, store.session_key, secrets.token_hex(16))",
    ).splitlines()
    return [line.split() for line in lines]


def _request(base, path, session=None, choice=None):
    """Status of a GET, or of a vote when `choice` is given; None when the connection
    died before a response, CUT when it died in the middle of one (a response under
    way cannot be sent again: the balancer passed its first bytes on)."""
    headers = {}
    data = None
    if session is not None:
        _pk, key, csrf = session
        headers["Cookie"] = f"sessionid={key}; csrftoken={csrf}"
        if choice is not None:
            headers.update(
                {
                    "X-CSRFToken": csrf,
                    "Accept": "application/json",
                    "Content-Type": "application/x-www-form-urlencoded",
                }
            )
            data = f"choice={choice}".encode()
    request = urllib.request.Request(base + path, data=data, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except http.client.IncompleteRead:
        return CUT
    except OSError:
        return None


def _kill(server):
    """Kill a gunicorn outright: its master and its workers, no goodbye."""
    for pid in [server.process.pid, *server.worker_pids()]:
        os.kill(pid, signal.SIGKILL)
    server.process.wait(10)


def test_a_server_killed_and_another_restarted_lose_no_vote(balanced):
    env, servers, ports, base = balanced
    sessions = _sessions(env)
    proposals = shell(
        env,
        "from proposals.models import Proposal; print(' '.join(str(pk) for pk in "
        "Proposal.objects.filter(status='published').values_list('pk', flat=True)))",
    ).split()
    acknowledged, unknown, failures, cut, served = {}, set(), [], [], [0]
    stop = threading.Event()
    lock = threading.Lock()

    def client(seed):
        chance = random.Random(seed)  # noqa: S311 - a load, no secret
        # Each client votes for organisations of its own: two votes of one
        # organisation in flight at once would commit in one order and answer in the
        # other, whatever the servers do.
        own = sessions[seed::CLIENTS]
        while not stop.is_set():
            session = chance.choice(own)
            if chance.random() < 0.5:
                status = _request(base, chance.choice(["/", "/resultats/"]))
                vote = None
            else:
                proposal = chance.choice(proposals)
                choice = chance.choice(["agree", "mixed", "disagree"])
                status = _request(
                    base, f"/propositions/{proposal}/voter/", session, choice
                )
                vote = (session[0], proposal)
            with lock:
                served[0] += 1
                if status == CUT:
                    cut.append("read" if vote is None else vote)
                    if vote:
                        unknown.add(vote)  # its answer was under way
                elif status is None or status >= 500:
                    failures.append(status)
                    if vote:
                        unknown.add(vote)  # in flight when its server died
                elif vote:
                    assert status == 200, status
                    acknowledged[vote] = choice
                    unknown.discard(vote)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS / 4)
    _kill(servers[0])  # the first server dies
    time.sleep(SECONDS / 4)
    servers[1].process.send_signal(signal.SIGHUP)  # the second reloads gracefully
    time.sleep(SECONDS / 4)
    servers[0] = Site(env, workers=2, port=ports[0])  # the first comes back
    time.sleep(SECONDS / 4)
    stop.set()
    for thread in threads:
        thread.join(60)

    print(f"{served[0]} requests, {len(failures)} failed {failures}, {len(cut)} cut "
          f"{cut}, {len(acknowledged)} votes acknowledged")  # fmt: skip
    assert served[0] > 200
    # What was in flight on the killed server was sent again to the other, but for
    # the responses it had begun: at most one per client, when it died.
    assert failures == []
    assert len(cut) <= CLIENTS
    stored = shell(
        env,
        "from proposals.models import Vote; print('\\n'.join(f'{v.voter_id} "
        "{v.proposal_id} {v.choice}' for v in Vote.objects.all()))",
    ).splitlines()
    stored = {
        (voter, proposal): choice for voter, proposal, choice in map(str.split, stored)
    }
    for vote, choice in acknowledged.items():
        if vote not in unknown:
            assert stored.get(vote) == choice, vote
    assert "No drift" in manage(env, "check_vote_counters").stdout

    # A session opened through the balancer is valid on each server.
    for port in ports:
        assert _request(f"http://127.0.0.1:{port}", "/mon-espace/", sessions[0]) == 200


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers its health check and every request, and notes what it received."""

    received = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path != "/healthz":
            self.received.append((self.command, self.path))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


class _Dying(_Recorder):
    """Answers its health check, and dies on any other request: the connection
    closes with no response, as when a server is killed while it works."""

    def _answer(self):
        if self.path == "/healthz":
            return super()._answer()
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    do_GET = do_POST = _answer


@contextlib.contextmanager
def _serving(handler):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()


def test_only_reads_and_votes_are_sent_again_when_a_server_dies_answering():
    """A vote sets an organisation's choice (twice is once): sent again to the other
    server. A form that is not idempotent (a proposal, an account) is not: a 502."""
    _Recorder.received = []
    with (
        _serving(_Dying) as dying,
        _serving(_Recorder) as answering,
        _balancer(dying, answering) as base,
    ):
        statuses = {}
        for method, path in [
            ("GET", "/"),
            ("POST", "/propositions/12/voter/"),
            ("POST", "/questions/3/proposer/"),
        ] * 4:
            request = urllib.request.Request(  # noqa: S310
                base + path, data=b"x=1" if method == "POST" else None
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            statuses.setdefault(path, []).append(status)
    assert statuses["/"] == [200] * 4
    assert statuses["/propositions/12/voter/"] == [200] * 4
    submitted = statuses["/questions/3/proposer/"]
    assert 502 in submitted  # the dying server had it, and it was not repeated
    assert _Recorder.received.count(("POST", "/questions/3/proposer/")) == (
        submitted.count(200)
    )
