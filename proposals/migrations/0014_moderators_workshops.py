"""Moderators keep the workshops' records (they cannot delete them: proposals hang on)."""

from django.db import migrations

from consultation.roles import moderators_grant, moderators_revoke

CODENAMES = ["view_workshop", "add_workshop", "change_workshop"]


def grant(apps, schema_editor):
    moderators_grant(apps, "proposals", CODENAMES)


def revoke(apps, schema_editor):
    moderators_revoke(apps, "proposals", CODENAMES)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0013_workshops")]

    operations = [migrations.RunPython(grant, revoke)]
