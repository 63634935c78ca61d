"""
`manage.py screenshots --out DIR`: PNGs of every page at 375 px (a phone) and 1366 px (a
laptop), full length and first screen (`*-ecran.png`; the results' map alone,
`*-carte.png`), of the database configured (`make screenshots` runs it on the
seed consultation and on the small benchmark tier). It serves the site itself
(`runserver` on a free port), logs in an account of its own for the pages of a
participant, and drives Chromium with Playwright.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.urls import reverse

from consultation.models import Consultation, OrganisationType, Region, User
from proposals.models import Proposal

WIDTHS = {375: 812, 1366: 900}
EMAIL = "captures@exemple.fr"
PASSWORD = "captures-ecran-2026"  # noqa: S105 (a local throwaway database)
CHROMIUM = "/usr/bin/chromium"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Command(BaseCommand):
    help = "Screenshots of every page at 375 and 1366 px (Playwright, Chromium)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args, out, **options):
        consultation = (
            Consultation.objects.annotate(size=Count("trajectories__questions"))
            .order_by("-size", "pk")
            .first()
        )
        if consultation is None:
            raise CommandError("No consultation: load one first (import_workshop).")
        self._participant()
        pages = self._pages(consultation)
        port = free_port()
        server = subprocess.Popen(  # noqa: S603 (our own manage.py)
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}",
             "--noreload", "--insecure"],
            env={**os.environ, "DJANGO_DEBUG": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            self._wait_for(base)
            count = self._shoot(base, pages, out)
        finally:
            server.terminate()
            server.wait(timeout=10)
        self.stdout.write(
            self.style.SUCCESS(f"{count} pages × widths captured in {out}/")
        )

    def _participant(self):
        user, _ = User.objects.update_or_create(
            email=EMAIL,
            defaults={
                "organisation": "Coopérative des captures",
                "organisation_type": OrganisationType.COOPERATIVE,
                "region": Region.objects.get(code="53"),
                "legal_identifier": "987654324",
                "organisation_key": "987654324",
            },
        )
        user.email_confirmed_at = user.email_confirmed_at or user.date_joined
        user.set_password(PASSWORD)
        user.save()

    def _pages(self, consultation):
        theme = consultation.themes.first()
        trajectory = consultation.trajectories.order_by("number").first()
        proposal = (
            Proposal.objects.public_in(consultation)
            .filter(question__trajectory=trajectory)
            .order_by("-vote_count", "pk")
            .first()
        )
        slug = consultation.slug
        public = [
            ("accueil", "/"),
            ("consultations", reverse("consultation_list")),
            ("consultation", reverse("consultation_home", args=[slug])),
            ("theme", theme.get_absolute_url()),
            ("trajectoire", trajectory.get_absolute_url()),
            ("proposition", proposal.get_absolute_url() if proposal else None),
            ("resultats", reverse("consultation_results", args=[slug])),
            ("synthese", reverse("synthesis", args=[slug])),
            ("donnees-ouvertes", reverse("open_data")),
            ("inscription", reverse("signup")),
            ("connexion", reverse("login")),
            ("accessibilite", reverse("site_page", args=["accessibilite"])),
        ]
        participant = [
            ("connecte-trajectoire", trajectory.get_absolute_url()),
            ("mon-espace", reverse("my_space")),
            ("profil", reverse("profile")),
        ]
        return [page for page in public if page[1]], participant

    def _wait_for(self, base):
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310
                return
            except OSError:
                time.sleep(0.2)
        raise CommandError("The server did not start.")

    def _capture(self, page, stem):
        page.screenshot(path=f"{stem}.png", full_page=True)
        page.screenshot(path=f"{stem}-ecran.png")
        regions_map = page.locator("#carte")
        if regions_map.count():  # the results: their map on its own too
            regions_map.screenshot(path=f"{stem}-carte.png")
        return 1

    def _shoot(self, base, pages, out):
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium") or CHROMIUM
            )
            try:
                return self.capture_all(browser, base, pages, out)
            finally:
                browser.close()

    def capture_all(self, browser, base, pages, out):
        """Every page at each width with `browser`; how many page × width captured."""
        public, participant = pages
        count = 0
        for width, height in WIDTHS.items():
            folder = out / str(width)
            folder.mkdir(parents=True, exist_ok=True)
            context = browser.new_context(
                viewport={"width": width, "height": height}, locale="fr-FR"
            )
            page = context.new_page()
            for number, (name, path) in enumerate(public, start=1):
                page.goto(f"{base}{path}")
                count += self._capture(page, folder / f"{number:02d}-{name}")
            page.goto(f"{base}{reverse('login')}")
            page.locator("#id_username").fill(EMAIL)
            page.locator("#id_password").fill(PASSWORD)
            page.locator("main [type=submit]").click()
            page.wait_for_load_state()
            for number, (name, path) in enumerate(participant, start=len(public) + 1):
                page.goto(f"{base}{path}")
                count += self._capture(page, folder / f"{number:02d}-{name}")
            context.close()
        return count
