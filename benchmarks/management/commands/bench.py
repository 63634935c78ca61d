"""
`manage.py bench`: serve the project with gunicorn and production settings, load each
page with wrk from a separate process, and report requests per second, latencies, SQL
queries per request and throughput as a share of a constant view's (the ceiling, which
no cache answers). Each page is measured anonymous, and the pages of people who take
part again logged in (`*_logged_in`: 50 real sessions of participants, the one with the
most votes first, rotated at each request, each with its order of proposals), against a
constant view behind the same sessions and account lookup. Then: the exports gzipped and
conditional (304), votes spread over many proposals and on one hot proposal (with how
long each vote held the proposal's row locked, `VOTE_LOCK_LOG`), a stampede of cold
readers (how many computations it triggered, counted across workers), the
consultation-day mix (anonymous and logged-in readers over hundreds of addresses and
votes at once, while a moderator decides every 2 s), and each worker's memory at the
end.

Needs `wrk` on the PATH (Debian: `apt-get install wrk`) and data (`seed_bench`).
The last line printed is one JSON object with every figure, so runs can be compared.
"""

import gzip
import json
import math
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.core import signing
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from consultation.cache import computations
from consultation.models import Consultation, User
from consultation.page_cache import SHUFFLE_BUCKETS, SHUFFLE_COOKIE, SHUFFLE_SALT
from consultation.roles import MODERATORS_GROUP
from proposals import services
from proposals.models import Proposal, Status, Vote
from proposals.selectors import proposal_counter_drift, vote_tally_drift
from proposals.views.pages import PROPOSALS_PER_PAGE
from trajectories.models import Theme, Trajectory

from .seed_bench import BENCH_DOMAIN

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
# Logged-in pages are read by this many participants' sessions, rotated.
SESSIONS = 50
# During the consultation-day mix, a moderator decides this often.
DECISION_SECONDS = 2


def _get(url, headers):
    """GET `url`: its status, headers and body (a 304 is an answer, not an error)."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        if error.code != 304:
            raise
        return error.code, error.headers, b""


def _lua_list(strings):
    return "{" + ", ".join(f'"{string}"' for string in strings) + "}"


def _order_cookies():
    """The cookie of each of the lists' orders, signed as the site signs them."""
    signer = signing.get_cookie_signer(salt=SHUFFLE_COOKIE + SHUFFLE_SALT)
    return [
        f"{SHUFFLE_COOKIE}={signer.sign(str(bucket))}"
        for bucket in range(SHUFFLE_BUCKETS)
    ]


def _bench_moderator():
    """The moderator of the mix: a staff account of the bench's domain."""
    moderator, _created = User.objects.get_or_create(
        email=f"moderation@{BENCH_DOMAIN}",
        defaults={"is_staff": True, "organisation": "", "organisation_type": ""},
    )
    moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    return moderator


def _decide_until(consultation, moderator, stop, decisions):
    """Every DECISION_SECONDS until `stop`: reject a published proposal, then publish it
    back at the next decision (a moderator's day). Appends "ok" or the error to
    `decisions`; whatever it rejected is published again before it returns."""
    candidates = iter(
        Proposal.objects.public_in(consultation)
        .filter(status=Status.PUBLISHED)
        .order_by("vote_count", "pk")[:200]
    )
    rejected = []
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
    ):
        while not stop.wait(DECISION_SECONDS):
            try:
                if rejected:
                    services.proposal_publish(
                        proposal=rejected.pop(), moderator=moderator
                    )
                else:
                    proposal = next(candidates)
                    services.proposal_reject(
                        proposal=proposal,
                        moderator=moderator,
                        reason="Décision du banc d'essai.",
                    )
                    rejected.append(proposal)
                decisions.append("ok")
            except Exception as error:  # noqa: BLE001 - reported in the JSON
                decisions.append(repr(error))
        for proposal in rejected:
            services.proposal_publish(proposal=proposal, moderator=moderator)


def _lock_figures(log):
    """Median and p95 of the row-lock times the server wrote in `log` (seconds, one a
    line), in milliseconds."""
    times = sorted(float(line) for line in log.read_text().split())
    if not times:
        return {"votes": 0, "p50_ms": None, "p95_ms": None}
    return {
        "votes": len(times),
        "p50_ms": round(times[len(times) // 2] * 1000, 3),
        "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))] * 1000, 3),
    }


class Command(BaseCommand):
    help = "Benchmark every page under load (gunicorn + wrk); print a table and JSON."

    def add_arguments(self, parser):
        parser.add_argument("--duration", type=int, default=10, help="seconds per page")
        parser.add_argument("--connections", type=int, default=4)
        parser.add_argument("--threads", type=int, default=2, help="wrk threads")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--voters", type=int, default=200)

    def handle(self, *args, **options):
        if shutil.which("wrk") is None:
            raise CommandError("wrk is not installed (Debian: apt-get install wrk).")
        consultation = Consultation.objects.current()
        if consultation is None:
            raise CommandError("No current consultation: run seed_bench first.")
        call_command("collectstatic", "--noinput", verbosity=0)
        pages = self._pages(consultation)
        member = self._busiest_participant()
        logged_in = self._logged_in_pages(pages)
        queries = self._query_counts(pages)
        queries.update(self._query_counts(logged_in, member=member))
        cookies = self._participant_cookies(member)
        self.stdout.write(
            f"Benchmarking {consultation.title!r} on {connection.vendor}…"
        )
        vote_proposals = self._vote_targets(consultation)
        with tempfile.TemporaryDirectory() as workdir:
            vote_script = self._vote_script(workdir, options["voters"], vote_proposals)
            hot_script = self._vote_script(
                workdir, options["voters"], vote_proposals[:1], name="hot.lua"
            )
            lock_log = Path(workdir) / "vote-locks.txt"
            server = self._serve(options, lock_log)
            try:
                results = {}
                for name, url in pages.items():
                    results[name] = self._load(options, url, workdir=workdir)
                for name, url in logged_in.items():
                    results[name] = self._load(
                        options, url, workdir=workdir, cookies=cookies
                    )
                exports = self._exports(options, pages)
                for name, (url, headers) in self._export_loads(pages, exports).items():
                    results[name] = self._load(options, url, headers=headers)
                    queries[name] = queries[name.rsplit("_", 1)[0]]
                locks = {}
                for name, script in (("vote", vote_script), ("vote_hot", hot_script)):
                    lock_log.write_text("")
                    results[name] = self._load(options, "/", script=script)
                    locks[name] = _lock_figures(lock_log)
                stampede = self._stampede(options, pages)
                mix = self._mix(options, consultation, workdir, cookies, vote_script)
                memory = self._worker_memory(server)
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
        drift = len(
            {p.pk for p in proposal_counter_drift().filter(pk__in=vote_proposals)}
            | (vote_tally_drift() & set(vote_proposals))
        )
        self._report(
            consultation,
            results,
            queries,
            drift,
            options,
            extra={
                "exports": exports,
                "stampede": stampede,
                "mix": mix,
                "vote_lock_ms": locks,
                "worker_rss_mb": memory,
            },
        )

    # --- What to measure ------------------------------------------------------------

    def _pages(self, consultation):
        theme = (
            Theme.objects.filter(consultation=consultation).order_by("position").first()
        )
        trajectory = (
            Trajectory.objects.filter(consultation=consultation)
            .order_by("number")
            .first()
        )
        popular = (
            Proposal.objects.public_in(consultation).order_by("-vote_count").first()
        )
        if not (theme and trajectory and popular):
            raise CommandError(
                "The current consultation has no proposals: run seed_bench."
            )
        listed = Proposal.objects.public_in(consultation).filter(
            question__trajectory=trajectory
        )
        # Far into the list: page 50, or the last page of a smaller trajectory.
        deep = min(50, max(2, math.ceil(listed.count() / PROPOSALS_PER_PAGE)))
        return {
            "ceiling": "/bench/ceiling/",
            "home": reverse("home"),
            "theme": theme.get_absolute_url(),
            "trajectory": trajectory.get_absolute_url(),
            "trajectory_best": trajectory.get_absolute_url() + "?sort=best",
            "trajectory_page_50": trajectory.get_absolute_url() + f"?page={deep}",
            "trajectory_filtered": trajectory.get_absolute_url()
            + "?organisation_type=association&region=11&sort=best&page=2",
            # A search in French (never cached): two words, one accented.
            "trajectory_search": trajectory.get_absolute_url()
            + "?q=coop%C3%A9ration+territoires",
            "proposal": popular.get_absolute_url(),
            "results": reverse("results"),
            "open_data_json": reverse("open_data_json"),
            "open_data_csv": reverse("open_data_csv"),
        }

    def _logged_in_pages(self, pages):
        """The pages of people who take part, and their ceiling."""
        return {
            "ceiling_logged_in": "/bench/ceiling/connecte/",
            **{
                f"{name}_logged_in": pages[name]
                for name in (
                    "home", "trajectory", "trajectory_best", "trajectory_page_50",
                    "trajectory_search", "proposal", "results",
                )
            },
            "my_space_logged_in": reverse("my_space"),
        }  # fmt: skip

    def _busiest_participant(self):
        """The bench participant who voted most: « Mon espace » at its longest."""
        busiest = (
            Vote.objects.filter(voter__email__endswith=f"@{BENCH_DOMAIN}")
            .values("voter")
            .annotate(votes=Count("id"))
            .order_by("-votes")
            .first()
        )
        if busiest is None:
            raise CommandError("No bench votes: run seed_bench first.")
        return User.objects.get(pk=busiest["voter"])

    def _participant_cookies(self, member):
        """The cookies of SESSIONS participants who vote (`member` first), each with a
        real session and one of the lists' orders, as people reading the site have."""
        others = (
            User.objects.filter(
                email__endswith=f"@{BENCH_DOMAIN}", is_staff=False, votes__isnull=False
            )
            .exclude(pk=member.pk)
            .distinct()
            .order_by("pk")[: SESSIONS - 1]
        )
        orders = _order_cookies()
        return [
            f"{settings.SESSION_COOKIE_NAME}={self._session(user)}; "
            + orders[index % len(orders)]
            for index, user in enumerate([member, *others])
        ]

    def _session(self, user):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    def _query_counts(self, pages, member=None):
        """SQL queries of each page, computed afresh (cache cleared), then cached."""
        counts = {}
        with override_settings(
            ALLOWED_HOSTS=["*"],
            BENCH_CEILING=True,
            DEBUG=False,
            SECURE_SSL_REDIRECT=False,
        ):
            client = Client()
            if member is not None:
                client.force_login(member)
            for name, url in pages.items():
                if name.startswith("ceiling"):
                    counts[name] = {"cold": 0, "warm": 0}
                    continue
                cache.clear()
                with CaptureQueriesContext(connection) as cold:
                    response = client.get(url)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}.")
                with CaptureQueriesContext(connection) as warm:
                    client.get(url)
                counts[name] = {"cold": len(cold), "warm": len(warm)}
        if member is None:
            for name in ("vote", "vote_hot"):
                counts[name] = {"cold": None, "warm": None}
        return counts

    def _vote_targets(self, consultation):
        published = Proposal.objects.public_in(consultation)
        popular = list(
            published.order_by("-vote_count").values_list("pk", flat=True)[:20]
        )
        others = list(published.order_by("?").values_list("pk", flat=True)[:480])
        return sorted(set(popular + others))

    def _vote_script(self, workdir, voters, proposals, name="vote.lua"):
        """A wrk script whose requests are votes by logged-in bench participants."""
        accounts = User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").order_by(
            "pk"
        )[:voters]
        sessions = [(self._session(user), secrets.token_hex(16)) for user in accounts]
        if not sessions:
            raise CommandError("No bench participants: run seed_bench first.")
        lua = (SCRIPTS / "vote.lua.template").read_text()
        lua = lua.replace(
            "{SESSIONS}",
            "{" + ", ".join(f'{{"{s}", "{c}"}}' for s, c in sessions) + "}",
        ).replace("{PROPOSALS}", "{" + ", ".join(map(str, proposals)) + "}")
        path = Path(workdir) / name
        path.write_text(lua)
        return path

    # --- Running --------------------------------------------------------------------

    def _serve(self, options, lock_log):
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            # The bench's own key: the orders' cookies it signs are the server's.
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_BENCHMARKS": "1",
            "DJANGO_BENCH_CEILING": "1",
            # Plain HTTP on the loopback: in production a TLS proxy stands in front.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "RATE_LIMIT_VOTE_USER": "1000000/m",
            "RATE_LIMIT_VOTE_IP": "10000000/m",
            "DJANGO_VOTE_LOCK_LOG": str(lock_log),
        }
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable, "-m", "gunicorn", "consultation.wsgi",
                "--workers", str(options["workers"]),
                "--bind", f"127.0.0.1:{options['port']}",
                "--log-level", "warning",
            ],
            env=env,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        url = f"http://127.0.0.1:{options['port']}/bench/ceiling/"
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
                    return server
            except (TimeoutError, OSError):
                time.sleep(0.3)
        server.kill()
        raise CommandError("gunicorn did not start.")

    def _load(self, options, path, script=None, headers=None, cookies=(), workdir=None):
        """wrk on `path` (or with `script`); `cookies`: one of them at each request,
        rotated (the participants' sessions and orders)."""
        url = f"http://127.0.0.1:{options['port']}{path}"
        headers = headers or {}
        # Warm-up: fills the caches and the workers' connections; each reader's page
        # read once, as a consultation day has them read already.
        if script is None:
            for cookie in cookies or [None] * 3:
                _get(url, {**headers, **({"Cookie": cookie} if cookie else {})})
        if cookies:
            script = Path(workdir) / "readers.lua"
            script.write_text(
                (SCRIPTS / "paths.lua.template")
                .read_text()
                .replace("{PATHS}", _lua_list([path]))
                .replace("{COOKIES}", _lua_list(cookies))
            )
        output = subprocess.run(  # noqa: S603 - wrk with our arguments
            self._wrk(options, url, script, headers),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return self._figures(json.loads(output.strip().splitlines()[-1]))

    def _wrk(self, options, url, script=None, headers=None, connections=None):
        return [
            "wrk", f"-t{options['threads']}",
            f"-c{connections or options['connections']}",
            f"-d{options['duration']}s", "--timeout", "10s",
            *[arg for name, value in (headers or {}).items()
              for arg in ("-H", f"{name}: {value}")],
            "-s", str(script or SCRIPTS / "report.lua"), url,
        ]  # fmt: skip

    # --- Exports, stampede, the consultation-day mix, memory ------------------------

    def _exports(self, options, pages):
        """Each export gzipped for a client that accepts it, and a 304 for one that
        has it already: checked once, sizes recorded."""
        checked = {}
        for name in ("open_data_json", "open_data_csv"):
            url = f"http://127.0.0.1:{options['port']}{pages[name]}"
            # A refresh may bring a new version between two requests: the three
            # requests are made again until they see the same one.
            for _attempt in range(5):
                _status, plain_headers, plain = _get(url, {})
                _status, headers, gzipped = _get(url, {"Accept-Encoding": "gzip"})
                etag = plain_headers.get("ETag")
                status, _headers, _body = _get(url, {"If-None-Match": etag or "-"})
                if headers.get("ETag") == etag and status == 304:
                    break
            else:
                raise CommandError(f"{url} answered {status} to a conditional GET.")
            if headers.get("Content-Encoding") != "gzip":
                raise CommandError(f"{url} is not gzipped for a client asking it.")
            if gzip.decompress(gzipped) != plain:
                raise CommandError(f"{url}: its gzip is not the plain file.")
            checked[name] = {
                "bytes": len(plain),
                "gzip_bytes": len(gzipped),
                "etag": etag,
                "conditional_status": status,
            }
        return checked

    def _export_loads(self, pages, exports):
        return {
            **{
                f"{name}_gzip": (pages[name], {"Accept-Encoding": "gzip"})
                for name in exports
            },
            "open_data_json_304": (
                pages["open_data_json"],
                {"If-None-Match": exports["open_data_json"]["etag"]},
            ),
        }

    def _stampede(self, options, pages, readers=32):
        """Cold caches, then `readers` anonymous readers at once on each page that
        reads a cached computation: its latencies and how many computations it
        triggered, counted across the workers (`consultation.cache.computations`)."""
        measured = {}
        targets = {
            "home": (pages["home"], ["figures"]),
            "results": (pages["results"], ["results", "results-body"]),
            "open_data_json": (pages["open_data_json"], ["open-data-json"]),
        }
        for name, (path, computed) in targets.items():
            url = f"http://127.0.0.1:{options['port']}{path}"
            cache.clear()
            started = time.monotonic()
            _get(url, {})
            alone_ms = (time.monotonic() - started) * 1000
            cache.clear()
            barrier = threading.Barrier(readers)

            def read(url=url, barrier=barrier):
                barrier.wait()
                started = time.monotonic()
                _get(url, {})
                return (time.monotonic() - started) * 1000

            with ThreadPoolExecutor(max_workers=readers) as pool:
                latencies = sorted(pool.map(lambda _: read(), range(readers)))
            measured[name] = {
                "cold_alone_ms": round(alone_ms, 1),
                "readers": readers,
                "p50_ms": round(latencies[len(latencies) // 2], 1),
                "max_ms": round(latencies[-1], 1),
                "computations": {key: computations(key) for key in computed},
            }
        return measured

    def _mix(self, options, consultation, workdir, cookies, vote_script):
        """The consultation day: anonymous readers over hundreds of addresses, logged-in
        readers, and votes, all at once, while a moderator rejects or publishes a
        proposal every `DECISION_SECONDS`; each address is read once before."""
        anonymous, logged_in, listings = self._mix_paths(consultation)
        orders = _order_cookies()
        scripts = {}
        for name, paths, rotated in (
            ("anonymous", anonymous, orders),
            ("logged_in", logged_in, cookies),
        ):
            script = Path(workdir) / f"mix_{name}.lua"
            script.write_text(
                (SCRIPTS / "paths.lua.template")
                .read_text()
                .replace("{PATHS}", _lua_list(paths))
                .replace("{COOKIES}", _lua_list(rotated))
            )
            scripts[name] = script
        base = f"http://127.0.0.1:{options['port']}/"
        # A consultation day starts with warm caches: each address read once, each
        # list in each order.
        reads = [(path, {}) for path in anonymous if path not in listings]
        reads += [(path, {"Cookie": order}) for path in listings for order in orders]
        reads += [
            (path, {"Cookie": cookie}) for path in logged_in for cookie in cookies
        ]
        with ThreadPoolExecutor(max_workers=options["connections"]) as pool:
            list(
                pool.map(lambda read: _get(base + read[0].lstrip("/"), read[1]), reads)
            )
        runs = {
            "anonymous": self._wrk(options, base, scripts["anonymous"], connections=4),
            "logged_in": self._wrk(options, base, scripts["logged_in"], connections=2),
            "votes": self._wrk(options, base, vote_script, connections=2),
        }
        moderator = _bench_moderator()
        stop = threading.Event()
        decisions = []

        def decide():
            try:
                _decide_until(consultation, moderator, stop, decisions)
            finally:
                connections.close_all()  # this thread's own connection

        decider = threading.Thread(target=decide)
        processes = {
            name: subprocess.Popen(  # noqa: S603 - wrk with our arguments
                command, stdout=subprocess.PIPE, text=True
            )
            for name, command in runs.items()
        }
        decider.start()
        try:
            outputs = {
                name: process.communicate()[0] for name, process in processes.items()
            }
        finally:
            stop.set()
            decider.join()
        mix = {
            name: self._figures(json.loads(output.strip().splitlines()[-1]))
            for name, output in outputs.items()
        }
        mix["addresses"] = {"anonymous": len(anonymous), "logged_in": len(logged_in)}
        mix["decisions"] = len([d for d in decisions if d == "ok"])
        mix["decision_errors"] = [d for d in decisions if d != "ok"]
        return mix

    def _mix_paths(self, consultation):
        trajectories = list(
            Trajectory.objects.filter(consultation=consultation).order_by("number")
        )
        themes = Theme.objects.filter(consultation=consultation)
        proposals = list(
            Proposal.objects.public_in(consultation)
            .order_by("?")
            .values_list("pk", flat=True)[:150]
        )
        listing = [
            trajectory.get_absolute_url() + query
            for trajectory in trajectories
            for query in ("", "?page=2", "?page=3", "?sort=best", "?sort=best&page=2")
        ]
        anonymous = [
            reverse("home"),
            reverse("results"),
            reverse("open_data"),
            *(theme.get_absolute_url() for theme in themes),
            *listing,
            *(reverse("proposal_detail", args=[pk]) for pk in proposals),
        ]
        logged_in = [
            reverse("home"),
            reverse("results"),
            reverse("my_space"),
            *listing[:: len(listing) // 20 or 1],
            *(reverse("proposal_detail", args=[pk]) for pk in proposals[:40]),
        ]
        return anonymous, logged_in, set(listing)

    def _worker_memory(self, server):
        """Resident memory of each gunicorn worker (MB), read from /proc."""
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
        memory = []
        for pid in children.read_text().split():
            status = Path(f"/proc/{pid}/status").read_text()
            kilobytes = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            memory.append(round(kilobytes / 1024, 1))
        return memory

    def _figures(self, figures):
        seconds = figures["duration_us"] / 1e6
        return {
            "rps": round(figures["requests"] / seconds, 1),
            "p50_ms": round(figures["p50_us"] / 1000, 2),
            "p95_ms": round(figures["p95_us"] / 1000, 2),
            "p99_ms": round(figures["p99_us"] / 1000, 2),
            "requests": figures["requests"],
            "errors": figures["errors"],
            # Answers other than 2xx and 3xx, among the errors (a refused vote, say).
            "status_errors": figures["status_errors"],
        }

    # --- Reporting ------------------------------------------------------------------

    def _report(self, consultation, results, queries, drift, options, extra):
        ceilings = {
            False: results["ceiling"]["rps"] or 1,
            True: results["ceiling_logged_in"]["rps"] or 1,
        }
        header = (
            f"{'page':<20} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
            f"{'errors':>7} {'queries':>8} {'ceiling':>8}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for name, figures in results.items():
            figures["queries"] = queries[name]["cold"]
            figures["queries_cached"] = queries[name]["warm"]
            ceiling = ceilings[name.endswith("_logged_in") or name.startswith("vote")]
            figures["share_of_ceiling"] = round(figures["rps"] / ceiling, 3)
            shown = "-" if figures["queries"] is None else figures["queries"]
            self.stdout.write(
                f"{name:<20} {figures['rps']:>8.1f} {figures['p50_ms']:>8.2f} "
                f"{figures['p95_ms']:>8.2f} {figures['p99_ms']:>8.2f} "
                f"{figures['errors']:>7} {shown:>8} {figures['share_of_ceiling']:>8.0%}"
            )
        proposals = Proposal.objects.in_consultation(consultation)
        summary = {
            "consultation": consultation.slug,
            "database": connection.vendor,
            "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
            "proposals": proposals.count(),
            "votes": sum(proposals.values_list("vote_count", flat=True)),
            "participants": User.objects.filter(
                email__endswith=f"@{BENCH_DOMAIN}", is_staff=False
            ).count(),
            "workers": options["workers"],
            "connections": options["connections"],
            "duration_s": options["duration"],
            "vote_counter_drift": drift,
            "pages": results,
            **extra,
        }
        for name, figures in extra["stampede"].items():
            self.stdout.write(
                f"Stampede on {name}: alone cold {figures['cold_alone_ms']} ms; "
                f"{figures['readers']} cold readers at once: p50 {figures['p50_ms']} "
                f"ms, max {figures['max_ms']} ms, "
                f"computations {figures['computations']}."
            )
        mix = extra["mix"]
        for name in ("anonymous", "logged_in", "votes"):
            figures = mix[name]
            self.stdout.write(
                f"Mix, {name}: {figures['rps']} req/s, p50 {figures['p50_ms']} ms, "
                f"p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms, "
                f"{figures['errors']} errors."
            )
        self.stdout.write(
            f"Mix: {mix['decisions']} moderation decisions "
            f"({len(mix['decision_errors'])} failed); workers' memory "
            f"{extra['worker_rss_mb']} MB."
        )
        for name, figures in extra["vote_lock_ms"].items():
            self.stdout.write(
                f"Row lock per {name}: median {figures['p50_ms']} ms, "
                f"p95 {figures['p95_ms']} ms over {figures['votes']} votes."
            )
        self.stdout.write(f"Counter drift after the vote run: {drift} proposal(s).")
        self.stdout.write(json.dumps(summary))
