"""
Superseded: the moderators' group and its permissions are granted by
consultation 0007 and each app's own migration (`consultation.roles`). Kept, empty,
so that the migration history of existing databases stays consistent.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("consultation", "0004_default_site_pages"),
        ("proposals", "0003_vote_totals_and_breakdowns"),
    ]

    operations = []
