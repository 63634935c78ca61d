"""Moderators also keep the information pages (accessibility, legal notice…) up to date."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_sitepage", "change_sitepage"]


def grant(apps, schema_editor):
    create_permissions(global_apps.get_app_config("consultation"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.get(name="Modérateurs")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="consultation", codename__in=CODENAMES)
    )


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
        ("consultation", "0004_default_site_pages"),
        ("proposals", "0003_vote_totals_and_breakdowns"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
