"""Moderators verify organisations (through the proxy model, not the user accounts)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_organisation", "change_organisation"]


def grant(apps, schema_editor):
    create_permissions(global_apps.get_app_config("consultation"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="consultation", codename__in=CODENAMES
    )
    assert permissions.count() == len(CODENAMES)
    Group.objects.get(name="Modérateurs").permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Modérateurs").first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="consultation", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("consultation", "0006_organisation_proxy"),
        ("proposals", "0005_fingerprints_and_anonymous_votes"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
