"""The exposures counted in the cache, added to the database in batches."""

from django.db import connection, transaction

from ..exposures import exposures_batch
from ..models import Exposure, Proposal

CHUNK = 1000


def exposures_flush() -> tuple[int, int]:
    """Add the exposures counted since the last flush to each proposal's; returns
    (proposals, exposures) added. A failure leaves the batch for the next flush."""
    with exposures_batch() as counts:
        return exposures_write(counts)


@transaction.atomic
def exposures_write(counts: dict[int, int]) -> tuple[int, int]:
    """Add `counts` ({proposal id: exposures}) to each proposal's, in one transaction;
    returns (proposals, exposures) added. Counts of proposals deleted since they were
    shown are dropped."""
    table = Exposure._meta.db_table
    added = [0, 0]
    ids = sorted(counts)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        known = sorted(
            Proposal.objects.filter(pk__in=chunk).values_list("pk", flat=True)
        )
        if not known:
            continue
        values = ", ".join(["(%s, %s)"] * len(known))
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {table} (proposal_id, count) VALUES {values}
                ON CONFLICT (proposal_id) DO UPDATE
                SET count = {table}.count + EXCLUDED.count
                """,  # noqa: S608 - the table name is the model's, values are parameters
                [value for pk in known for value in (pk, counts[pk])],
            )
        added[0] += len(known)
        added[1] += sum(counts[pk] for pk in known)
    return added[0], added[1]
