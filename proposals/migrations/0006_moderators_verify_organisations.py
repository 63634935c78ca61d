"""
Superseded: the moderators' group and its permissions are granted by
consultation 0007 and each app's own migration (`consultation.roles`). Kept, empty,
so that the migration history of existing databases stays consistent.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("consultation", "0006_organisation_proxy"),
        ("proposals", "0005_fingerprints_and_anonymous_votes"),
    ]

    operations = []
