"""An account's follow and mail switches move from its row to the notifications'
own table: every account that changed a default gets a row with its values, the
others keep the defaults by having none. `consultation` 0020 then drops the columns."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_switches(apps, schema_editor):
    User = apps.get_model("consultation", "User")
    Preferences = apps.get_model("proposals", "NotificationPreferences")
    changed = User.objects.exclude(
        follows_own=True, follows_voted=True, mails_off=[]
    ).values_list("pk", "follows_own", "follows_voted", "mails_off")
    Preferences.objects.bulk_create(
        [
            Preferences(
                user_id=pk,
                follows_own=own,
                follows_voted=voted,
                mails_off=list(mails_off or []),
            )
            for pk, own, voted, mails_off in changed.iterator()
        ],
        batch_size=1000,
    )


def copy_switches_back(apps, schema_editor):
    User = apps.get_model("consultation", "User")
    Preferences = apps.get_model("proposals", "NotificationPreferences")
    for row in Preferences.objects.iterator():
        User.objects.filter(pk=row.user_id).update(
            follows_own=row.follows_own,
            follows_voted=row.follows_voted,
            mails_off=row.mails_off,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('consultation', '0019_stored_files'),
        ('proposals', '0027_reports_into_database'),
    ]

    operations = [
        migrations.CreateModel(
            name='NotificationPreferences',
            fields=[
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='notification_preferences', serialize=False, to=settings.AUTH_USER_MODEL)),
                ('follows_own', models.BooleanField(default=True, verbose_name="suit ses propositions et celles qu'elle cosigne")),
                ('follows_voted', models.BooleanField(default=True, verbose_name='suit les propositions pour lesquelles elle a voté')),
                ('mails_off', models.JSONField(blank=True, default=list, verbose_name='e-mails désactivés')),
            ],
            options={
                'verbose_name': 'préférences de suivi',
                'verbose_name_plural': 'préférences de suivi',
            },
        ),
        migrations.RunPython(copy_switches, copy_switches_back),
    ]
