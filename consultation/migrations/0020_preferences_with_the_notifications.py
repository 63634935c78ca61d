"""The follow and mail switches now live with the notifications
(`proposals.NotificationPreferences`, filled by proposals 0028 first)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('consultation', '0019_stored_files'),
        ('proposals', '0028_notification_preferences'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='user',
            name='follows_own',
        ),
        migrations.RemoveField(
            model_name='user',
            name='follows_voted',
        ),
        migrations.RemoveField(
            model_name='user',
            name='mails_off',
        ),
    ]
