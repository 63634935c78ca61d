"""
The site's roles. Participants are accounts that speak for an organisation; moderators
are staff in the group « Modérateurs ». This app creates the group; each app grants it
its own permissions, in its own data migrations, with `moderators_grant`.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

MODERATORS_GROUP = "Modérateurs"
# Staff who write the official answers (`create_moderator --answers`): the answer
# permission and what reading a proposal in the admin needs.
ANSWERS_GROUP = "Réponses officielles"


def moderators_grant(apps, app_label, codenames, group_name=MODERATORS_GROUP):
    """In a data migration: give the moderators' group (or `group_name`) these
    permissions of an app."""
    # Permissions are normally created after all migrations have run; create them now.
    create_permissions(global_apps.get_app_config(app_label), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label=app_label, codename__in=codenames
    )
    if permissions.count() != len(codenames):
        raise RuntimeError(f"Missing permissions of {app_label}: {codenames}")
    group, _ = Group.objects.get_or_create(name=group_name)
    group.permissions.add(*permissions)


def moderators_revoke(apps, app_label, codenames):
    """The reverse of `moderators_grant`."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=MODERATORS_GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
        )
