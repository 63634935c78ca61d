"""
French full-text search on PostgreSQL: a `french_unaccent` configuration (French
stemming after the accents are removed), a `search_vector` column the database computes
from the text (a generated column: every writer, COPY included, keeps it true) and its
GIN index. SQLite has none of these: proposals.search searches it otherwise.
"""

from django.db import migrations

CONFIGURATION = """
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
    CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
    ALTER TEXT SEARCH CONFIGURATION french_unaccent
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
  END IF;
END $$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema_editor.execute(CONFIGURATION)
    schema_editor.execute(
        "ALTER TABLE proposals_proposal ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('french_unaccent'::regconfig, text)) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX proposal_search_vector ON proposals_proposal "
        "USING GIN (search_vector)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE proposals_proposal DROP COLUMN search_vector")
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0016_rejection_reasons")]

    operations = [migrations.RunPython(forwards, backwards)]
