"""
Loading the official registers (`manage.py import_registers`): INSEE's SIRENE stock of
legal units and the RNA's files, as they are published (CSV, or a ZIP of CSV files).

Files are streamed, never read whole: each line is read by its columns' official names
(new releases add columns), only the organisations the consultation may meet are kept
(`registers.unit_kept`), and the rows go to the database as they come. On PostgreSQL
they are copied (`COPY`) into a staging table, then swapped in for the previous import
in the same transaction; elsewhere inserted in that transaction. An import that fails
(an unreadable file, a database error) leaves the previous one whole; the same files
imported twice give the same tables.
"""

import csv
import io
import re
import time
import zipfile
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from .models import Register, RegisteredAssociation, RegisteredUnit, RegisterImport
from .registers import IMPORTED_CACHE_KEY, unit_kept

SIRENE_COLUMNS = (
    "siren",
    "statutDiffusionUniteLegale",
    "etatAdministratifUniteLegale",
    "denominationUniteLegale",
    "nomUniteLegale",
    "prenom1UniteLegale",
    "categorieJuridiqueUniteLegale",
    "economieSocialeSolidaireUniteLegale",
    "identifiantAssociationUniteLegale",
)
RNA_COLUMNS = ("id", "siret", "titre", "position")
PROGRESS_LINES = 500_000
BATCH = 10_000
_RNA = re.compile(r"W[0-9]{9}")
_SIREN = re.compile(r"[0-9]{9}")
_SIRET = re.compile(r"[0-9]{14}")
csv.field_size_limit(1 << 20)  # an association's object can be long


class RegisterFileError(Exception):
    """A file that is not a register's, or that cannot be read."""


@dataclass
class Progress:
    """What an import has read so far, and whom it tells (`report(progress)`)."""

    register: str
    report: object = None
    lines: int = 0
    kept: int = 0
    malformed: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    def line_read(self):
        self.lines += 1
        if self.report is not None and self.lines % PROGRESS_LINES == 0:
            self.report(self)

    @property
    def seconds(self):
        return (self.finished or time.monotonic()) - self.started


def registers_import(paths, *, encoding=None, report=None):
    """Import the register files `paths` (either register, or both: each file says
    which by its columns); returns the `Progress` of each register imported."""
    by_register = {}
    for path in paths:
        for source in _sources(Path(path), encoding):
            by_register.setdefault(source.register, []).append(source)
    done = []
    for register, sources in by_register.items():
        progress = Progress(register=register, report=report)
        rows = _rows(sources, progress)
        _load(register, rows, progress, [source.name for source in sources])
        progress.finished = time.monotonic()
        done.append(progress)
    cache.delete(IMPORTED_CACHE_KEY)
    return done


@dataclass
class _Source:
    """One CSV file of a register (a file, or a member of a ZIP archive)."""

    name: str
    opener: object  # () -> binary stream
    encoding: str
    delimiter: str
    header: list
    register: str


def _sources(path, encoding):
    if not path.exists():
        raise RegisterFileError(f"{path}: no such file")
    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        members = [n for n in archive.namelist() if n.lower().endswith(".csv")]
        if not members:
            raise RegisterFileError(f"{path}: no CSV file in this archive")
        for member in members:
            yield _source(
                f"{path.name}:{member}",
                lambda member=member: archive.open(member),
                encoding,
            )
    else:
        yield _source(path.name, lambda: path.open("rb"), encoding)


def _source(name, opener, encoding):
    """A source, its encoding, delimiter and register read from its first bytes."""
    with opener() as stream:
        head = stream.read(1 << 20)
    encoding = encoding or _encoding(head)
    first = head.split(b"\n", 1)[0].decode(encoding, errors="replace").lstrip("\ufeff")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = next(csv.reader([first], delimiter=delimiter))
    header = [column.strip().strip('"') for column in header]
    if set(SIRENE_COLUMNS) <= set(header):
        register = Register.SIRENE
    elif set(RNA_COLUMNS) <= set(header):
        register = Register.RNA
    else:
        raise RegisterFileError(
            f"{name}: neither SIRENE's stock of legal units (columns "
            f"{', '.join(SIRENE_COLUMNS)}) nor an RNA file (columns "
            f"{', '.join(RNA_COLUMNS)})"
        )
    return _Source(name, opener, encoding, delimiter, header, register)


def _encoding(head):
    """UTF-8 when the first bytes read as such, else Windows-1252 (older RNA files)."""
    complete = head.rsplit(b"\n", 1)[0] if b"\n" in head else head
    try:
        complete.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _rows(sources, progress):
    """The kept rows of every source, as the register's table holds them."""
    read = _sirene_rows if progress.register == Register.SIRENE else _rna_rows
    for source in sources:
        with source.opener() as binary:
            text = io.TextIOWrapper(binary, encoding=source.encoding, newline="")
            reader = csv.reader(text, delimiter=source.delimiter)
            try:
                next(reader)  # the header, read already
                yield from read(reader, source.header, progress)
            except UnicodeDecodeError as error:
                raise RegisterFileError(
                    f"{source.name}: line {progress.lines + 2} is not {source.encoding}"
                    f" ({error.reason})"
                ) from None
            except csv.Error as error:
                raise RegisterFileError(
                    f"{source.name}: line {progress.lines + 2}: {error}"
                ) from None


def _sirene_rows(reader, header, progress):
    (
        siren,
        diffusion,
        state,
        denomination,
        surname,
        first_name,
        category,
        ess,
        rna,
    ) = (header.index(column) for column in SIRENE_COLUMNS)
    width = len(header)
    for row in reader:
        progress.line_read()
        if len(row) < width or not _SIREN.fullmatch(row[siren]):
            progress.malformed += 1
            continue
        if not unit_kept(row[category], row[ess]):
            continue
        # A unit partly withheld from diffusion is shown no more than INSEE does.
        name = (
            ""
            if row[diffusion] == "P"
            else row[denomination] or f"{row[first_name]} {row[surname]}".strip()
        )
        progress.kept += 1
        yield (
            row[siren],
            name[:255],
            row[state] == "A",
            row[category][:4],
            row[ess] == "O",
            row[rna] if _RNA.fullmatch(row[rna]) else "",
        )


def _rna_rows(reader, header, progress):
    rna, siret, title, position = (header.index(column) for column in RNA_COLUMNS)
    width = len(header)
    for row in reader:
        progress.line_read()
        if len(row) < width:
            progress.malformed += 1
            continue
        number = row[rna].strip().upper()
        if not _RNA.fullmatch(number):
            progress.malformed += 1
            continue
        digits = row[siret].strip()
        progress.kept += 1
        yield (
            number,
            digits[:9] if _SIRET.fullmatch(digits) else "",
            row[title].strip()[:255],
            row[position].strip().upper() == "A",
        )


_MODELS = {Register.SIRENE: RegisteredUnit, Register.RNA: RegisteredAssociation}
_COLUMNS = {
    Register.SIRENE: ["siren", "name", "active", "legal_category", "ess", "rna"],
    Register.RNA: ["rna", "siren", "name", "active"],
}


@transaction.atomic
def _load(register, rows, progress, names):
    """Put `rows` in place of the register's previous import, in one transaction."""
    # Our own tables' and columns' names, nothing read from a file: S608 below.
    table = _MODELS[register]._meta.db_table
    columns = ", ".join(f'"{column}"' for column in _COLUMNS[register])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            staging = f"{table}_staging"
            cursor.execute(
                f'CREATE TEMPORARY TABLE "{staging}" '
                f'(LIKE "{table}" INCLUDING DEFAULTS) ON COMMIT DROP'
            )
            stream = _CsvStream(rows)
            try:
                cursor.copy_expert(
                    # An empty field is an empty name or number, never NULL.
                    f'COPY "{staging}" ({columns}) FROM STDIN '
                    "WITH (FORMAT csv, NULL '\\N')",
                    stream,
                )
            except (DatabaseError, connection.Database.Error):  # psycopg2's own
                if stream.error is not None:  # the file's fault, not the database's
                    raise stream.error from None
                raise
            cursor.execute(f'DELETE FROM "{table}"')  # noqa: S608
            cursor.execute(
                f'INSERT INTO "{table}" ({columns}) '  # noqa: S608
                f'SELECT {columns} FROM "{staging}" ON CONFLICT DO NOTHING'
            )
            cursor.execute(f'DROP TABLE "{staging}"')  # at once, inside a savepoint too
            cursor.execute(f'ANALYZE "{table}"')
        else:
            cursor.execute(f'DELETE FROM "{table}"')  # noqa: S608
            marks = ", ".join(["%s"] * len(_COLUMNS[register]))
            insert = f'INSERT OR IGNORE INTO "{table}" ({columns}) VALUES ({marks})'  # noqa: S608
            while batch := list(islice(rows, BATCH)):
                cursor.executemany(insert, batch)
    RegisterImport.objects.update_or_create(
        register=register,
        defaults={
            "source": ", ".join(names)[:500],
            "imported_at": timezone.now(),
            "lines_read": progress.lines,
            "kept": progress.kept,
        },
    )


class _CsvStream:
    """The rows as CSV text, read by `COPY` a block at a time (never all at once)."""

    def __init__(self, rows):
        self.rows = iter(rows)
        self.text, self.position = "", 0
        self.error = None  # what stopped the reading of the files, for the caller

    def read(self, size=-1):
        if self.position >= len(self.text):
            try:
                batch = list(islice(self.rows, BATCH))
            except RegisterFileError as error:
                self.error = error
                raise
            if not batch:
                return ""
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerows(
                [["t" if v is True else "f" if v is False else v for v in row]
                 for row in batch]
            )  # fmt: skip
            self.text, self.position = out.getvalue(), 0
        end = len(self.text) if size is None or size < 0 else self.position + size
        chunk = self.text[self.position : end]
        self.position += len(chunk)
        return chunk
