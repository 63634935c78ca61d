"""Workshop reports move from DJANGO_MEDIA_ROOT into the database
(`consultation.storage`): every application server then reads the same files."""

from pathlib import Path

from django.conf import settings
from django.db import migrations

from consultation.storage import file_store


def reports_move_in(apps, schema_editor):
    Workshop = apps.get_model("proposals", "Workshop")
    StoredFile = apps.get_model("consultation", "StoredFile")
    StoredFileChunk = apps.get_model("consultation", "StoredFileChunk")
    for name in Workshop.objects.exclude(report="").values_list("report", flat=True):
        path = Path(settings.MEDIA_ROOT) / name
        if path.is_file() and not StoredFile.objects.filter(name=name).exists():
            with path.open("rb") as report:
                file_store(name, report, stored_file=StoredFile, chunk=StoredFileChunk)


class Migration(migrations.Migration):
    dependencies = [
        ("consultation", "0019_stored_files"),
        ("proposals", "0026_account_mail_kinds"),
    ]

    operations = [migrations.RunPython(reports_move_in, migrations.RunPython.noop)]
