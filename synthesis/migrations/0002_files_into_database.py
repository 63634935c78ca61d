"""The syntheses' files move from DJANGO_MEDIA_ROOT into the database
(`consultation.storage`): every application server then reads the same files."""

from pathlib import Path

from django.conf import settings
from django.db import migrations

from consultation.storage import file_store


def syntheses_move_in(apps, schema_editor):
    Synthesis = apps.get_model("synthesis", "Synthesis")
    StoredFile = apps.get_model("consultation", "StoredFile")
    StoredFileChunk = apps.get_model("consultation", "StoredFileChunk")
    for folder in Synthesis.objects.values_list("folder", flat=True):
        directory = Path(settings.MEDIA_ROOT) / folder
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            name = f"{folder}/{path.name}"
            if path.is_file() and not StoredFile.objects.filter(name=name).exists():
                with path.open("rb") as built:
                    file_store(
                        name, built, stored_file=StoredFile, chunk=StoredFileChunk
                    )


class Migration(migrations.Migration):
    dependencies = [
        ("consultation", "0019_stored_files"),
        ("synthesis", "0001_initial"),
    ]

    operations = [migrations.RunPython(syntheses_move_in, migrations.RunPython.noop)]
