"""`manage.py send_notifications`: mail what the organisations follow. Run it from
cron every few minutes."""

from consultation.jobs import SingleRunCommand
from proposals import services


class Command(SingleRunCommand):
    help = (
        "Write the notifications of the new official answers and of last week's "
        "digest, then mail every due notification: one mail per organisation and "
        "round, in its language, each notification once however often this runs; a "
        "failed mail is tried again at a later run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch",
            type=int,
            default=services.NOTIFICATION_BATCH,
            help="Notifications mailed per round (default: %(default)s).",
        )

    def handle(self, *args, batch, **options):
        answers = services.notifications_from_answers()
        digests = services.notifications_from_digest()
        counts = services.notifications_send(batch=batch)
        self.stdout.write(
            f"{answers} answer notification(s) and {digests} digest(s) written; "
            f"{counts['sent']} mail(s) sent, {counts['failed']} failed (tried again "
            f"later), {counts['skipped']} notification(s) turned off."
        )
