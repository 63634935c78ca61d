"""The « Réponses officielles » group: the staff who write the official answers."""

from django.db import migrations

from consultation.roles import ANSWERS_GROUP, moderators_grant

CODENAMES = ["answer_proposal", "view_proposal", "view_answer", "change_answer"]


def forwards(apps, schema_editor):
    moderators_grant(apps, "proposals", CODENAMES, group_name=ANSWERS_GROUP)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ANSWERS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [("proposals", "0022_merges_follows_notifications")]

    operations = [migrations.RunPython(forwards, backwards)]
