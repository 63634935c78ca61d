"""
The « Modérateurs » group, with consultation's share of the moderation permissions:
they see consultations and regions, change a consultation's phase and dates, keep the
information pages up to date and verify organisations (through the proxy model, never
the accounts). The other apps grant their own share in their own migrations.

Until this migration, `proposals` created the group; its old migrations now do nothing,
and this one (like the apps' grants) leaves an existing group as it is, adding only
what is missing.
"""

from django.db import migrations

from consultation.roles import MODERATORS_GROUP, moderators_grant, moderators_revoke

CODENAMES = [
    "view_consultation",
    "change_consultation",
    "view_region",
    "view_sitepage",
    "change_sitepage",
    "view_organisation",
    "change_organisation",
]


def grant(apps, schema_editor):
    moderators_grant(apps, "consultation", CODENAMES)


def revoke(apps, schema_editor):
    moderators_revoke(apps, "consultation", CODENAMES)
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=MODERATORS_GROUP, permissions=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("consultation", "0006_organisation_proxy"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
