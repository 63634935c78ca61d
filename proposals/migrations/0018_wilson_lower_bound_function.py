"""
`wilson_lower_bound(agree, mixed, disagree)` as a PostgreSQL function, so that a vote
moves a proposal's counters and score in one statement (`services.votes`). The same
arithmetic, in the same order, as `proposals.ranking.wilson_lower_bound`; SQLite gets
that Python function on each connection (`proposals.ranking.register_sqlite_functions`).
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION wilson_lower_bound(agree integer, mixed integer,
                                              disagree integer)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN n = 0 THEN 0::double precision ELSE
    (p + z2 / (2 * n) - z * sqrt(p * (1 - p) / n + z2 / (4 * n * n))) / (1 + z2 / n)
  END
  FROM (SELECT n, (agree + 0.5::double precision * mixed) / n AS p, z, z * z AS z2
        FROM (SELECT (agree + mixed + disagree)::double precision AS n,
                     1.959963984540054::double precision AS z) AS constants
  ) AS terms
$$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS wilson_lower_bound(integer, integer, integer)"
        )


class Migration(migrations.Migration):
    dependencies = [("proposals", "0017_french_search")]

    operations = [migrations.RunPython(forwards, backwards)]
