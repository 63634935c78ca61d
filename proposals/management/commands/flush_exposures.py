"""`manage.py flush_exposures`: add the exposures counted in the cache to the
database. Run it every minute from cron (docs/deploy.md); one run at a time."""

from consultation.jobs import SingleRunCommand
from proposals.services.exposures import exposures_flush


class Command(SingleRunCommand):
    help = "Add the exposures counted in the cache to the database."

    def handle(self, *args, **options):
        proposals, exposures = exposures_flush()
        self.stdout.write(f"{exposures} exposure(s) of {proposals} proposal(s) added.")
