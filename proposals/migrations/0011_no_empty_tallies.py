"""Remove the tallies that count no vote (left behind by removed votes): every tally
row counts at least one vote, as `services.votes` now keeps it."""

from django.db import migrations


def remove_empty_tallies(apps, schema_editor):
    VoteTally = apps.get_model("proposals", "VoteTally")
    VoteTally.objects.filter(agree_count=0, mixed_count=0, disagree_count=0).delete()


class Migration(migrations.Migration):
    dependencies = [("proposals", "0010_withdrawn_label")]

    operations = [migrations.RunPython(remove_empty_tallies, migrations.RunPython.noop)]
