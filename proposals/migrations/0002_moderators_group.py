"""
The "Modérateurs" group, with exactly the permissions that moderation needs.

Moderators curate the hierarchy (themes, trajectories, questions, workshop imports) and
moderate proposals. They see votes and consultations but cannot touch users, groups or
permissions, nor delete proposals (they reject them, with a reason).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Modérateurs"

PERMISSIONS = {
    "consultation": ["view_consultation", "change_consultation", "view_region"],
    "trajectories": [
        "view_theme",
        "add_theme",
        "change_theme",
        "delete_theme",
        "view_trajectory",
        "add_trajectory",
        "change_trajectory",
        "delete_trajectory",
        "view_guidingquestion",
        "add_guidingquestion",
        "change_guidingquestion",
        "delete_guidingquestion",
    ],
    "proposals": [
        "view_proposal",
        "change_proposal",
        "import_workshop",
        "view_vote",
        "view_moderationevent",
    ],
}


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations have run; create them now.
    for app_label in PERMISSIONS:
        create_permissions(
            global_apps.get_app_config(app_label), apps=apps, verbosity=0
        )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    for app_label, codenames in PERMISSIONS.items():
        permissions = Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        if permissions.count() != len(codenames):
            raise RuntimeError(f"Missing permissions for {app_label}: {codenames}")
        group.permissions.add(*permissions)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("consultation", "0002_regions"),
        ("trajectories", "0001_initial"),
        ("proposals", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
