"""`manage.py import_workshop PATH`: import a workshop document (docs/contracts.md)."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from consultation.models import Consultation, Region
from proposals.imports import (
    NoImportTarget,
    WorkshopError,
    decode_document,
    parse_workshop,
    workshop_import,
)


class Command(BaseCommand):
    help = (
        "Import the themes, trajectories, guiding questions and proposals of a "
        "workshop "
        "document (UTF-8 text). Idempotent; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the document's text file")
        parser.add_argument(
            "--consultation",
            metavar="SLUG",
            help="the consultation to import into (default: the current one)",
        )
        parser.add_argument(
            "--region",
            metavar="CODE",
            help="INSEE code of the workshop's region, given to its proposals",
        )
        parser.add_argument(
            "--workshop-date",
            metavar="YYYY-MM-DD",
            type=datetime.date.fromisoformat,
            help="the workshop's date: its proposals are attached to its record",
        )
        parser.add_argument("--place", help="where the workshop took place")
        parser.add_argument("--organiser", default="", help="who organised it")
        parser.add_argument(
            "--participants", type=int, help="how many people took part in it"
        )
        parser.add_argument(
            "--if-no-consultation",
            action="store_true",
            help="do nothing when the database already holds a consultation (make run)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="print what would be created, and write nothing",
        )

    def handle(self, *args, path, consultation, region, dry_run, **options):
        workshop = self._workshop(options)
        if options["if_no_consultation"] and Consultation.objects.exists():
            self.stdout.write("A consultation exists already: nothing imported.")
            return
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        target = self._consultation(consultation)
        region = self._region(region)
        try:
            themes = parse_workshop(decode_document(data))
            report = workshop_import(
                themes=themes,
                consultation=target,
                region=region,
                workshop=workshop,
                dry_run=dry_run,
            )
        except WorkshopError as error:  # a syntax error or a conflict, with its line
            self.stderr.write(str(error))
            raise SystemExit(1) from None
        except NoImportTarget as error:
            raise CommandError(str(error)) from None
        self._print(report)

    def _workshop(self, options):
        if options["workshop_date"] is None:
            if options["place"]:
                raise CommandError("--place goes with --workshop-date")
            return None
        if not options["place"]:
            raise CommandError("--workshop-date needs --place")
        return {
            "date": options["workshop_date"],
            "place": options["place"],
            "organiser": options["organiser"],
            "participant_count": options["participants"],
        }

    def _consultation(self, slug):
        if slug is None:
            return None
        try:
            return Consultation.objects.get(slug=slug)
        except Consultation.DoesNotExist:
            raise CommandError(f"unknown consultation: {slug!r}") from None

    def _region(self, code):
        if code is None:
            return None
        try:
            return Region.objects.get(code=code)
        except Region.DoesNotExist:
            codes = ", ".join(
                Region.objects.values_list("code", flat=True).order_by("code")
            )
            raise CommandError(
                f"unknown region code: {code!r} (one of {codes})"
            ) from None

    def _print(self, report):
        verb = "would create" if report.dry_run else "created"
        if report.dry_run:
            indent = {
                "theme": "",
                "trajectory": "  ",
                "question": "    ",
                "proposal": "      ",
            }
            for entry in report.entries:
                mark = "+" if entry.created else "="
                self.stdout.write(
                    f"{indent[entry.kind]}{mark} {entry.kind} "
                    f"(line {entry.line}): {entry.text}"
                )
        if report.consultation_created:
            self.stdout.write(f"Consultation {report.consultation.slug!r}: {verb}.")
        counts = report.counts
        summary = (
            f"{counts['theme']} themes, {counts['trajectory']} trajectories, "
            f"{counts['question']} questions, {counts['proposal']} proposals"
        )
        prefix = (
            "Dry run, nothing written: would create" if report.dry_run else "Created"
        )
        style = self.style.SUCCESS if not report.dry_run else (lambda text: text)
        self.stdout.write(style(f"{prefix} {summary} in {report.consultation.slug!r}."))
