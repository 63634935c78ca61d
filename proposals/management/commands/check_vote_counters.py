"""`manage.py check_vote_counters [--fix]`: compare vote counters with vote rows."""

from django.core.management.base import BaseCommand

from proposals.models import Proposal
from proposals.selectors import proposal_counter_drift, vote_tally_drift
from proposals.services import vote_counters_repair


class Command(BaseCommand):
    help = (
        "Report proposals whose vote counters or per-group tallies differ from their "
        "vote rows (exit 1 if any); with --fix, recount them from the rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="repair the drift found")

    def handle(self, *args, fix, **options):
        drift = list(proposal_counter_drift())
        for p in drift:
            self.stdout.write(
                f"proposal {p.pk}: counters {p.agree_count}/{p.mixed_count}/"
                f"{p.disagree_count}, votes {p.true_agree}/{p.true_mixed}/"
                f"{p.true_disagree} (agree/mixed/disagree)"
            )
        tallies = vote_tally_drift() - {p.pk for p in drift}
        for pk in sorted(tallies):
            self.stdout.write(
                f"proposal {pk}: tallies by region or type differ from votes"
            )
        drifting = {p.pk for p in drift} | tallies
        if not drifting:
            self.stdout.write(
                self.style.SUCCESS("No drift: every counter equals its votes.")
            )
            return
        if fix:
            repaired = vote_counters_repair(
                proposals=Proposal.objects.filter(pk__in=drifting)
            )
            self.stdout.write(self.style.SUCCESS(f"Repaired {repaired} proposal(s)."))
            return
        self.stderr.write(
            f"{len(drifting)} proposal(s) drift; run with --fix to repair."
        )
        raise SystemExit(1)
