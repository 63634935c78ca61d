"""`manage.py import_registers FILE [FILE …]`: load the official registers."""

from django.core.management.base import BaseCommand, CommandError

from consultation.register_import import RegisterFileError, registers_import


class Command(BaseCommand):
    help = (
        "Import INSEE's SIRENE stock of legal units (StockUniteLegale.csv) and/or the "
        "associations' register RNA (rna_waldec files), as CSV or ZIP: each file says "
        "which register it is by its columns. Keeps the organisations the consultation "
        "may meet (docs/registers.md); replaces the previous import of that register "
        "in one transaction, so a failed import leaves the previous one."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="register files (CSV or ZIP)")
        parser.add_argument(
            "--encoding",
            help="the files' encoding (default: UTF-8, or Windows-1252 for a file "
            "that is not UTF-8, as older RNA files)",
        )

    def handle(self, *args, files, encoding, **options):
        try:
            done = registers_import(files, encoding=encoding, report=self._report)
        except RegisterFileError as error:
            raise CommandError(f"{error}. Nothing was changed.") from None
        for progress in done:
            self._report(progress, final=True)

    def _report(self, progress, final=False):
        line = (
            f"{progress.register}: {progress.lines:,} lines read, {progress.kept:,} "
            f"kept, {progress.malformed:,} malformed ({progress.seconds:.0f} s)"
        )
        if final:
            self.stdout.write(self.style.SUCCESS(f"Imported {line}."))
        else:
            self.stdout.write(line)
            self.stdout.flush()
