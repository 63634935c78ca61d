"""
The real site under gunicorn, with production settings, for fault tests: a server
whose database, cache or mail server is a closed port behaves as it would in production.

`Site` builds its own SQLite database (migrated, with the seed workshop and one
confirmed participant), so it runs on any machine and in both CI passes.
"""

import atexit
import contextlib
import fcntl
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "proposals" / "seeds" / "atelier-regional.txt"
PARTICIPANT_EMAIL = "participante@exemple.fr"
PARTICIPANT_PASSWORD = "un-mot-de-passe-assez-long-42"  # noqa: S105 - test account


def closed_port():
    """A local TCP port where nothing listens (taken from the OS, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening(port, timeout):
    """Wait until something listens on local `port`; whether it did in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


@contextlib.contextmanager
def redis_server(directory):
    """A Redis server of its own on a free port, its files in `directory`: its URL.
    Skipped where redis-server is missing, but failed in CI, which has it."""
    import pytest

    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing in CI")
        pytest.skip("redis-server is not installed (Debian: apt-get install redis)")
    port = closed_port()
    server = subprocess.Popen(  # noqa: S603 - a local test server
        [binary, "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(directory)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        listening(port, timeout=10)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait()


_STATIC = {}  # this process's `collectstatic` output, shared by its servers


def _static_root():
    """A folder of this test process's own where `collectstatic` has run: the
    manifest of hashed names that production's storage reads. Two test processes
    side by side never rewrite each other's manifest while a server reads it."""
    if "root" not in _STATIC:
        root = Path(tempfile.mkdtemp(prefix="static-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        manage(
            {**production_base(), "DJANGO_STATIC_ROOT": str(root)},
            "collectstatic",
            "--noinput",
        )
        _STATIC["root"] = root
    return _STATIC["root"]


def production_env(**overrides):
    """The environment of a production-like process, without the caller's services."""
    env = {**production_base(), "DJANGO_STATIC_ROOT": str(_static_root())}
    env.update(overrides)
    return env


def production_base():
    """Production's settings, without the caller's services nor a static folder."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "REDIS_URL", "DATABASE_", "RATE_LIMIT_"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="fault-tests-only-not-secret",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_FROM_FINDERS="1",
        DJANGO_LOG_LEVEL="CRITICAL",
    )
    return env


def manage(env, *args):
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


def shell(env, code):
    """Run Python `code` in the project's shell against `env`'s database; its output."""
    return manage(env, "shell", "--no-imports", "-c", code).stdout.strip()


# Where the first SQLite database built is kept, for copies: the folder the run's
# workers share (tests/conftest.py sets it), so that one of them builds it.
SHARED_DIRECTORY: Path | None = None


def seeded_database(directory=None, url=None):
    """A migrated database with the seed workshop and one confirmed participant: the
    SQLite file `site.sqlite3` in `directory`, or the (empty) database at `url`. The
    run's first SQLite file is built by the commands; the next ones are copies of it."""
    if url is not None:
        return _database_seeded(url)
    path = directory / "site.sqlite3"
    template = (SHARED_DIRECTORY or directory) / "seeded-template.sqlite3"
    with open(template.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker may be building it
        if not template.exists():
            building = template.with_suffix(".building")
            building.unlink(missing_ok=True)
            _database_seeded(f"sqlite:///{building}")
            building.replace(template)  # whole, or not there
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def _database_seeded(url):
    # One process does all three (a Django start each would cost more than the work).
    env = production_env(DATABASE_URL=url)
    shell(
        env,
        "from django.core.management import call_command; "
        "call_command('migrate', interactive=False, verbosity=0); "
        f"call_command('import_workshop', {str(SEED)!r}, verbosity=0); "
        "from django.utils import timezone; from consultation.models import User, "
        "Region; User.objects.create_user("
        f"{PARTICIPANT_EMAIL!r}, {PARTICIPANT_PASSWORD!r}, organisation='Coop test', "
        "organisation_type='cooperative', region=Region.objects.get(code='53'), "
        "legal_identifier='732829320', organisation_key='732829320', "
        "email_confirmed_at=timezone.now())",
    )
    return url


class Site:
    """A gunicorn serving the project with `env`; a browser-like client with cookies."""

    def __init__(self, env, workers=1, log=None, port=None):
        """`log`: a file that gets the server's logs (its standard error); `port`:
        where to listen (a free one by default)."""
        self.port = port or closed_port()
        self.log = open(log, "w") if log else None  # noqa: SIM115 - closed by stop()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter, our arguments
            [
                sys.executable, "-m", "gunicorn", "consultation.wsgi",
                "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
                "--log-level", "critical",
                # The project is imported once, before the workers are forked: the
                # tests start dozens of servers.
                "--preload",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log or subprocess.DEVNULL,
        )  # fmt: skip
        self.cookies = http.cookiejar.CookieJar(LoopbackCookiePolicy())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect
        )
        if not listening(self.port, timeout=30):
            self.stop()
            raise RuntimeError("gunicorn did not start")

    def worker_pids(self):
        """The process ids of the gunicorn's workers (its master's children)."""
        children = subprocess.run(  # noqa: S603 - a local process's children
            ["/usr/bin/pgrep", "-P", str(self.process.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        return [int(pid) for pid in children]

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        if self.log:
            self.log.close()

    def request(self, path, data=None, headers=None, raw=False):
        """(status, headers, body) of a GET, or of a POST when `data` is given; the
        body as text, or as bytes when `raw`."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(  # noqa: S310 - the local test server
            self.base + path, data=body, headers=headers or {}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                status, headers, body = (
                    response.status,
                    response.headers,
                    response.read(),
                )
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        return status, headers, body if raw else body.decode()

    def post_multipart(self, path, fields, files, page=None):
        """A form with files (`files`: field -> (file name, bytes)), as a browser
        sends it, with the form token of the page at `page` (or `path`)."""
        fields = {"csrfmiddlewaretoken": self.csrf_token(page or path), **fields}
        boundary = f"----formulaire{time.time_ns()}"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
            for name, value in fields.items()
        ]
        for name, (filename, content) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n".encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(  # noqa: S310 - the local test server
            self.base + path,
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def csrf_token(self, path):
        """The form token of the page at `path` (its cookie is set by the way)."""
        status, _, body = self.request(path)
        assert status == 200, (path, status)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]

    def post_form(self, path, fields, page=None):
        token = self.csrf_token(page or path)
        return self.request(path, {"csrfmiddlewaretoken": token, **fields})

    def login(self, email=PARTICIPANT_EMAIL, password=PARTICIPANT_PASSWORD):
        status, headers, _ = self.post_form(
            "/compte/connexion/", {"username": email, "password": password}
        )
        assert status == 302, status


class LoopbackCookiePolicy(http.cookiejar.DefaultCookiePolicy):
    """Send the site's Secure cookies over plain HTTP on the loopback, as a TLS proxy
    in front of it would over HTTPS."""

    def return_ok_secure(self, cookie, request):
        return True


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to check, not to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


class Relay:
    """A TCP relay from a local port to `target`: closed until `open()`, as a database
    server that is down and then comes back."""

    def __init__(self, target):
        self.target = target
        self.port = closed_port()
        self.server = None

    def open(self):
        target = self.target

        class Pipe(socketserver.BaseRequestHandler):
            def handle(self):
                upstream = socket.create_connection(target)
                pumps = [
                    threading.Thread(target=_pump, args=pair, daemon=True)
                    for pair in ((self.request, upstream), (upstream, self.request))
                ]
                for pump in pumps:
                    pump.start()
                for pump in pumps:
                    pump.join()

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Pipe)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def _pump(source, sink):
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)


class SlowSmtpServer:
    """
    A mail server on a local port that takes `delay` seconds to accept each message,
    as a distant relay does: it speaks enough SMTP for Django's backend (no TLS, no
    authentication) and keeps the messages it accepted (`received`: raw bytes).
    """

    def __init__(self, delay):
        self.delay = delay
        self.received = []
        self.port = closed_port()
        server = self

        class Session(socketserver.StreamRequestHandler):
            def reply(self, line):
                self.wfile.write(line.encode() + b"\r\n")
                self.wfile.flush()

            def handle(self):
                self.reply("220 lent.exemple ESMTP")
                while line := self.rfile.readline():
                    command = line[:4].upper()
                    if command == b"EHLO":
                        self.reply("250-lent.exemple")
                        self.reply("250 8BITMIME")
                    elif command == b"DATA":
                        self.reply("354 go ahead")
                        message = b"".join(iter(self.rfile.readline, b".\r\n"))
                        time.sleep(server.delay)
                        server.received.append(message)
                        self.reply("250 accepted")
                    elif command == b"QUIT":
                        self.reply("221 bye")
                        return
                    else:  # HELO, MAIL, RCPT, RSET, NOOP
                        self.reply("250 ok")

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Session)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def env(self):
        """The settings that send a site's mail here."""
        return {
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(self.port),
            "DJANGO_EMAIL_USE_TLS": "0",
        }

    def close(self):
        self.server.shutdown()
        self.server.server_close()
