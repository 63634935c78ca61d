"""
Moderators moderate proposals and import workshop documents; they see votes and the
moderation history, and cannot delete proposals (they reject them, with a reason).
"""

from django.db import migrations

from consultation.roles import moderators_grant, moderators_revoke

CODENAMES = [
    "view_proposal",
    "change_proposal",
    "import_workshop",
    "view_vote",
    "view_moderationevent",
]


def grant(apps, schema_editor):
    moderators_grant(apps, "proposals", CODENAMES)


def revoke(apps, schema_editor):
    moderators_revoke(apps, "proposals", CODENAMES)


class Migration(migrations.Migration):
    dependencies = [
        ("consultation", "0007_moderators_group"),
        ("proposals", "0007_tallies_and_participations"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
