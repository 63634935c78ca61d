"""`manage.py purge_personal_data [--apply]`: delete accounts past their retention."""

from django.utils import timezone

from consultation.jobs import SingleRunCommand
from proposals.selectors import account_past_retention_list
from proposals.services import account_delete, invitation_addresses_erase


class Command(SingleRunCommand):
    help = (
        "Delete the accounts whose retention has ended, as the privacy page says: a "
        "year after the closing of the last consultation they took part in (a year "
        "after sign-up and last login for those that never did). Their votes and "
        "participations stay, anonymous. The addresses of invitations to cosign that "
        "no account answered are erased once declined or withdrawn, or a year after "
        "their consultation closed. A dry run unless --apply; run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply", action="store_true", help="delete them (else only list them)"
        )

    def handle(self, *args, apply, **options):
        accounts = list(account_past_retention_list(now=timezone.now()))
        for account in accounts:
            self.stdout.write(
                f"account {account.pk} (joined {account.date_joined:%Y-%m-%d})"
            )
            if apply:
                account_delete(user=account)
        verb = "Deleted" if apply else "Dry run, nothing deleted: would delete"
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(accounts)} account(s)."))
        erased = invitation_addresses_erase(now=timezone.now(), apply=apply)
        verb = "Erased" if apply else "Would erase"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {erased} invitation address(es).")
        )
