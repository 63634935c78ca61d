"""
`manage.py bench`: serve the project with gunicorn and production settings, load each
page with wrk from a separate process, and report requests per second, latencies, SQL
queries per request and throughput as a share of a constant view's (the ceiling, which
no cache answers). Each page is measured anonymous, and the pages of people who take
part again logged in (`*_logged_in`, a real session: the participant with the most
votes), against a constant view behind the same session and account lookup.

Needs `wrk` on the PATH (Debian: `apt-get install wrk`) and data (`seed_bench`).
The last line printed is one JSON object with every figure, so runs can be compared.
"""

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from consultation.models import Consultation, User
from proposals.models import Proposal, Vote
from proposals.selectors import proposal_counter_drift, vote_tally_drift
from trajectories.models import Theme, Trajectory

from .seed_bench import BENCH_DOMAIN

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


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
        cookie = f"{settings.SESSION_COOKIE_NAME}={self._session(member)}"
        self.stdout.write(
            f"Benchmarking {consultation.title!r} on {connection.vendor}…"
        )
        vote_proposals = self._vote_targets(consultation)
        with tempfile.TemporaryDirectory() as workdir:
            vote_script = self._vote_script(workdir, options["voters"], vote_proposals)
            server = self._serve(options)
            try:
                results = {}
                for name, url in pages.items():
                    results[name] = self._load(options, url)
                for name, url in logged_in.items():
                    results[name] = self._load(options, url, cookie=cookie)
                results["vote"] = self._load(options, "/", script=vote_script)
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
        drift = len(
            {p.pk for p in proposal_counter_drift().filter(pk__in=vote_proposals)}
            | (vote_tally_drift() & set(vote_proposals))
        )
        self._report(consultation, results, queries, drift, options)

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
        return {
            "ceiling": "/bench/ceiling/",
            "home": reverse("home"),
            "theme": theme.get_absolute_url(),
            "trajectory": trajectory.get_absolute_url(),
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
                    "home", "trajectory", "trajectory_search", "proposal", "results",
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
            counts["vote"] = {"cold": None, "warm": None}
        return counts

    def _vote_targets(self, consultation):
        published = Proposal.objects.public_in(consultation)
        popular = list(
            published.order_by("-vote_count").values_list("pk", flat=True)[:20]
        )
        others = list(published.order_by("?").values_list("pk", flat=True)[:480])
        return sorted(set(popular + others))

    def _vote_script(self, workdir, voters, proposals):
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
        path = Path(workdir) / "vote.lua"
        path.write_text(lua)
        return path

    # --- Running --------------------------------------------------------------------

    def _serve(self, options):
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY")
            or secrets.token_hex(32),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_BENCHMARKS": "1",
            "DJANGO_BENCH_CEILING": "1",
            # Plain HTTP on the loopback: in production a TLS proxy stands in front.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "RATE_LIMIT_VOTE_USER": "1000000/m",
            "RATE_LIMIT_VOTE_IP": "10000000/m",
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

    def _load(self, options, path, script=None, cookie=None):
        url = f"http://127.0.0.1:{options['port']}{path}"
        headers = {"Cookie": cookie} if cookie else {}
        # Warm-up: fills the caches and the workers' connections.
        for _ in range(3):
            if script is None:
                request = urllib.request.Request(url, headers=headers)
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    response.read()
        command = [
            "wrk", f"-t{options['threads']}", f"-c{options['connections']}",
            f"-d{options['duration']}s", "--timeout", "10s",
            *(["-H", f"Cookie: {cookie}"] if cookie else []),
            "-s", str(script or SCRIPTS / "report.lua"), url,
        ]  # fmt: skip
        output = subprocess.run(  # noqa: S603 - wrk with our arguments
            command, capture_output=True, text=True, check=True
        ).stdout
        figures = json.loads(output.strip().splitlines()[-1])
        seconds = figures["duration_us"] / 1e6
        return {
            "rps": round(figures["requests"] / seconds, 1),
            "p50_ms": round(figures["p50_us"] / 1000, 2),
            "p95_ms": round(figures["p95_us"] / 1000, 2),
            "p99_ms": round(figures["p99_us"] / 1000, 2),
            "requests": figures["requests"],
            "errors": figures["errors"],
        }

    # --- Reporting ------------------------------------------------------------------

    def _report(self, consultation, results, queries, drift, options):
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
            ceiling = ceilings[name.endswith("_logged_in") or name == "vote"]
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
                email__endswith=f"@{BENCH_DOMAIN}"
            ).count(),
            "workers": options["workers"],
            "connections": options["connections"],
            "duration_s": options["duration"],
            "vote_counter_drift": drift,
            "pages": results,
        }
        self.stdout.write(f"Counter drift after the vote run: {drift} proposal(s).")
        self.stdout.write(json.dumps(summary))
