"""Moderators curate the hierarchy: themes, trajectories and guiding questions."""

from django.db import migrations

from consultation.roles import moderators_grant, moderators_revoke

CODENAMES = [
    f"{action}_{model}"
    for model in ("theme", "trajectory", "guidingquestion")
    for action in ("view", "add", "change", "delete")
]


def grant(apps, schema_editor):
    moderators_grant(apps, "trajectories", CODENAMES)


def revoke(apps, schema_editor):
    moderators_revoke(apps, "trajectories", CODENAMES)


class Migration(migrations.Migration):
    dependencies = [
        ("consultation", "0007_moderators_group"),
        ("trajectories", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
