"""
The registers at their real size, on PostgreSQL: a stock of 2 million legal units in
the official format (written by `register_sample`, not stored) imports in under two
minutes and 300 MB, and a lookup at sign-up takes at most 2 ms.
"""

import contextlib
import random
import statistics
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from consultation.models import RegisteredAssociation, RegisteredUnit
from consultation.registers import organisation_identity
from tests.servers import manage, production_env

pytestmark = [
    # Serialized: the transactional tests after it find the regions and content types.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the COPY path is PostgreSQL's"
    ),
]
ROWS = 2_000_000


def database_url():
    database = connection.settings_dict
    return (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


def test_two_million_legal_units_import_in_two_minutes_and_300_mb_then_a_lookup_takes_2_ms(  # noqa: E501
    tmp_path,
):
    stock, rna = tmp_path / "StockUniteLegale.csv", tmp_path / "rna_waldec.csv"
    call_command(
        "register_sample", "--sirene", stock, "--rows", ROWS, "--rna", rna,
        stdout=open("/dev/null", "w"),  # noqa: SIM115 - closed with the process
    )  # fmt: skip
    measured = manage(
        production_env(DATABASE_URL=database_url()),
        "shell",
        "--no-imports",
        "-c",
        # The process's own peak (VmHWM): ru_maxrss would count the test process it
        # was forked from.
        "import re, time; from django.core.management import call_command; "
        "start = time.monotonic(); "
        f"call_command('import_registers', {str(stock)!r}, {str(rna)!r}); "
        "print(time.monotonic() - start, re.search(r'VmHWM:\\s+(\\d+)', "
        "open('/proc/self/status').read())[1])",
    ).stdout.split()
    seconds, kilobytes = float(measured[-2]), int(measured[-1])
    print(f"import: {seconds:.1f} s, {kilobytes / 1024:.0f} MB")  # the closing figures
    assert seconds < 120
    assert kilobytes < 300 * 1024

    chance = random.Random(3)  # noqa: S311 - a sample, no secret
    sirens = list(
        RegisteredUnit.objects.filter(active=True).values_list("siren", flat=True)[
            :50_000
        ]
    )  # noqa: E501
    numbers = list(RegisteredAssociation.objects.values_list("rna", flat=True)[:50_000])
    assert len(sirens) > 100_000 // 4 and len(numbers) > 1000
    timings = []
    for identifier in chance.sample(sirens, 500) + chance.sample(numbers, 500):
        start = time.perf_counter()
        with contextlib.suppress(ValidationError):  # a refusal is a lookup too
            organisation_identity(identifier, "association")
        timings.append(time.perf_counter() - start)
    median = statistics.median(timings) * 1000
    print(f"lookup: median {median:.2f} ms, max {max(timings) * 1000:.2f} ms")
    assert median <= 2
