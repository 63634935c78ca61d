"""`manage.py build_synthesis <slug> [<slug> …]` or `--all`: build and store the
synthesis of consultations (PDF, workbook, page), e.g. nightly from cron; with
`--regions`, each region's synthesis of them as well."""

import time

from django.core.management.base import CommandError

from consultation.jobs import SingleRunCommand
from consultation.models import Consultation

from ...services import regional_syntheses_build, synthesis_build


class Command(SingleRunCommand):
    help = "Build the synthesis of consultations: PDF, XLSX and the synthesis page."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="slug")
        parser.add_argument(
            "--all",
            action="store_true",
            help="Every consultation that the public may read.",
        )
        parser.add_argument(
            "--regions",
            action="store_true",
            help="Build each region's synthesis as well (all regions, one reading).",
        )

    def handle(self, *args, slugs, all, regions, **options):
        if all == bool(slugs):
            raise CommandError("Name consultations by their slug, or give --all.")
        consultations = Consultation.objects.public()
        if slugs:
            found = Consultation.objects.filter(slug__in=slugs)
            missing = set(slugs) - {consultation.slug for consultation in found}
            if missing:
                names = ", ".join(sorted(missing))
                raise CommandError(f"No consultation called {names}.")
            consultations = found
        for consultation in consultations.order_by("opens_at"):
            synthesis = synthesis_build(consultation)
            self.stdout.write(
                f"{consultation.slug}: {synthesis.proposal_count} proposals, "
                f"built in {synthesis.build_seconds:.1f} s, "
                f"PDF {synthesis.pdf_size // 1024} KiB, "
                f"XLSX {synthesis.xlsx_size // 1024} KiB"
            )
            if regions:
                self.build_regions(consultation)

    def build_regions(self, consultation):
        started, count = time.monotonic(), 0
        for synthesis in regional_syntheses_build(consultation):
            count += 1
            self.stdout.write(
                f"{consultation.slug} / {synthesis.region.name}: "
                f"{synthesis.proposal_count} proposals, "
                f"PDF {synthesis.pdf_size // 1024} KiB, "
                f"XLSX {synthesis.xlsx_size // 1024} KiB"
            )
        self.stdout.write(
            f"{consultation.slug}: {count} regional syntheses built in "
            f"{time.monotonic() - started:.1f} s"
        )
