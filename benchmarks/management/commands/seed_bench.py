"""
`manage.py seed_bench --tier small|medium|large`: a synthetic consultation of realistic
shape, for benchmarks (`manage.py bench`).

Participants are spread over the 18 regions and the organisation types with uneven
weights; a few proposals get most votes (Zipf-like popularity); each proposal has its
own approval. Counters, scores, tallies and participations are computed while the votes
are drawn, so they equal the rows. On PostgreSQL the rows go in with COPY.
"""

import csv
import io
import math
import random
import time
from datetime import datetime
from itertools import accumulate

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from consultation.cache import content_changed
from consultation.models import Consultation, Phase, User
from proposals.models import Participation, Proposal, Vote, VoteTally
from proposals.ranking import wilson_lower_bound
from proposals.text import text_fingerprint
from trajectories.models import GuidingQuestion, Theme, Trajectory

TIERS = {
    "small": {"participants": 1_000, "proposals": 1_000, "votes": 50_000},
    "medium": {"participants": 20_000, "proposals": 10_000, "votes": 500_000},
    "large": {"participants": 500_000, "proposals": 35_000, "votes": 7_000_000},
}
BENCH_DOMAIN = "bench.invalid"
BENCH_PASSWORD = "bench-password-not-secret"  # noqa: S105 - synthetic accounts only
THEMES = 6
TRAJECTORIES_PER_THEME = 3
# Rough weights: the regions' share of ESS employment, the organisations' presence.
REGION_WEIGHTS = {
    "11": 18, "84": 12, "93": 8, "75": 9, "76": 9, "32": 8, "44": 7, "52": 6, "53": 6,
    "28": 4, "24": 3, "27": 4, "94": 1, "01": 1, "02": 1, "03": 1, "04": 2, "06": 1,
}  # fmt: skip
TYPE_WEIGHTS = {
    "association": 55, "cooperative": 10, "mutual": 5, "foundation": 3,
    "ess_company": 6, "local_authority": 7, "public_body": 2, "company": 3,
    "research": 2, "network": 4, "citizen": 3,
}  # fmt: skip
WORDS = [
    "coopération", "territoires", "emploi", "transition", "financement", "solidaire",
    "mobilité", "alimentation", "logement", "numérique", "formation", "jeunesse",
    "santé", "culture", "énergie", "circuits courts", "insertion", "tiers-lieux",
    "mutualisation", "gouvernance",
]  # fmt: skip
CHOICES = ("agree", "mixed", "disagree")


class Command(BaseCommand):
    help = "Create a synthetic consultation for benchmarks (replaces a previous one)."

    def add_arguments(self, parser):
        parser.add_argument("--tier", choices=TIERS, default="small")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="multiply the tier's sizes (tests use a fraction of the small tier)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even though the database holds real participants",
        )

    def handle(self, *args, tier, seed, force, scale, **options):
        real = User.objects.exclude(email__endswith=f"@{BENCH_DOMAIN}").filter(
            is_staff=False
        )
        if real.exists() and not force:
            raise CommandError(
                f"This database holds {real.count()} real participant account(s): "
                "seed_bench would mix synthetic data with theirs. Use --force to go on."
            )
        size = {
            name: max(1, round(value * scale)) for name, value in TIERS[tier].items()
        }
        started = time.monotonic()
        self.rng = random.Random(seed)
        self.seed = seed
        self._remove_previous_bench()
        consultation, questions = self._hierarchy(tier)
        users = self._participants(size["participants"])
        proposals = self._proposals(questions, users, size["proposals"])
        plan = self._plan_votes(proposals, len(users), size["votes"])
        self._save_proposals(proposals, plan, len(users))
        total = self._save_votes(proposals, users, plan, consultation)
        if connection.vendor == "postgresql":
            # Fresh statistics, as a live database has: without them the planner
            # takes the freshly copied tables for empty ones.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        content_changed(consultation.pk)
        self.stdout.write(
            self.style.SUCCESS(
                f"Tier {tier}: {len(users):,} participants, "
                f"{len(proposals):,} proposals, "
                f"{total:,} votes in {time.monotonic() - started:.0f} s "
                f"(consultation {consultation.slug!r})."
            )
        )

    # --- Structure -------------------------------------------------------------------

    def _remove_previous_bench(self):
        with transaction.atomic():
            bench = Consultation.objects.filter(slug__startswith="banc-d-essai")
            Vote.objects.filter(
                proposal__question__trajectory__consultation__in=bench
            ).delete()
            Proposal.objects.filter(
                question__trajectory__consultation__in=bench
            ).delete()
            bench.delete()
            User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").delete()

    def _hierarchy(self, tier):
        consultation = Consultation.objects.create(
            title=f"Banc d'essai ({tier})",
            slug=f"banc-d-essai-{tier}",
            introduction="Consultation synthétique pour mesurer les performances.",
            phase=Phase.CONTRIBUTIONS,
            opens_at=timezone.now(),
        )
        questions = []
        for t in range(THEMES):
            theme = Theme.objects.create(
                consultation=consultation,
                title=f"THÈME DE TEST {t + 1}",
                position=t + 1,
            )
            for j in range(TRAJECTORIES_PER_THEME):
                number = t * TRAJECTORIES_PER_THEME + j + 1
                trajectory = Trajectory.objects.create(
                    theme=theme,
                    number=number,
                    title=f"Dans 10 ans, l'ESS aura réussi {number}",
                )
                questions.append(
                    GuidingQuestion.objects.create(
                        trajectory=trajectory,
                        text=f"Comment y parvenir ({number}) ?",
                        position=1,
                    )
                )
        return consultation, questions

    def _weighted(self, weights, count):
        keys = list(weights)
        cumulative = list(accumulate(weights[key] for key in keys))
        return self.rng.choices(keys, cum_weights=cumulative, k=count)

    def _participants(self, count):
        regions = self._weighted(REGION_WEIGHTS, count)
        types = self._weighted(TYPE_WEIGHTS, count)
        password = make_password(BENCH_PASSWORD)
        now = timezone.now()
        rows = (
            (
                f"bench-{i}@{BENCH_DOMAIN}", password, f"Organisation de test {i}",
                # Verified by the team: synthetic organisations vote without a SIREN.
                types[i], regions[i], "", "", True, now, False, True, now, False,
                now, "bench",
            )
            for i in range(count)
        )  # fmt: skip
        columns = [
            "email", "password", "organisation", "organisation_type", "region_id",
            "legal_identifier", "organisation_key", "organisation_verified",
            "email_confirmed_at", "is_staff", "is_active", "date_joined",
            "is_superuser", "terms_accepted_at", "terms_version",
        ]  # fmt: skip
        self._insert(User, columns, rows)
        ids = dict(
            User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").values_list(
                "email", "pk"
            )
        )
        return [
            (ids[f"bench-{i}@{BENCH_DOMAIN}"], regions[i], types[i])
            for i in range(count)
        ]

    def _proposals(self, questions, users, count):
        proposals = []
        for i in range(count):
            question = questions[i % len(questions)]
            workshop = i % 10 == 0
            author = None if workshop else users[self.rng.randrange(len(users))]
            words = " ".join(self.rng.sample(WORDS, 4))
            proposals.append(
                {
                    "index": i,
                    "question": question.pk,
                    "text": f"Proposition de test n°{i} : {words}.",
                    "source": "workshop" if workshop else "online",
                    "author": author[0] if author else None,
                    "region": author[1]
                    if author
                    else self._weighted(REGION_WEIGHTS, 1)[0],
                    "type": author[2] if author else "",
                    # Each proposal's own approval: most are liked, some divide.
                    "approval": self.rng.betavariate(2.5, 1.5),
                }
            )
        return proposals

    # --- Votes -----------------------------------------------------------------------

    def _plan_votes(self, proposals, participants, total):
        """How many votes each proposal gets: Zipf-like, capped by the participants."""
        order = list(range(len(proposals)))
        self.rng.shuffle(order)  # popularity does not follow the ids
        weights = [1 / (rank + 1) ** 0.9 for rank in range(len(proposals))]
        scale = total / sum(weights)
        counts = [0] * len(proposals)
        for rank, index in enumerate(order):
            counts[index] = min(participants, round(weights[rank] * scale))
        # Give what the caps and rounding took back to the least popular proposals.
        missing = total - sum(counts)
        for index in reversed(order):
            if missing <= 0:
                break
            extra = min(missing, participants - counts[index])
            counts[index] += extra
            missing -= extra
        return counts

    def _votes_of(self, proposal, count, participants):
        """The (voter index, choice) pairs of one proposal, drawn the same each time."""
        rng = random.Random(f"{self.seed}:{proposal['index']}")
        # Distinct voters: a walk with a stride coprime with the number of participants.
        start = rng.randrange(participants)
        stride = rng.randrange(1, participants) if participants > 1 else 1
        while math.gcd(stride, participants) != 1:
            stride += 1
        approval = proposal["approval"]
        for k in range(count):
            draw = rng.random()
            if draw < approval * 0.8:
                choice = "agree"
            elif draw < approval * 0.8 + 0.2:
                choice = "mixed"
            else:
                choice = "disagree"
            yield (start + k * stride) % participants, choice

    def _save_proposals(self, proposals, plan, participants):
        now = timezone.now()
        # First pass over the votes: the counters, before the proposals are written.
        for proposal, count in zip(proposals, plan, strict=True):
            counts = dict.fromkeys(CHOICES, 0)
            for _, choice in self._votes_of(proposal, count, participants):
                counts[choice] += 1
            proposal["counts"] = counts
        columns = [
            "question_id", "text", "fingerprint", "source", "author_id", "region_id",
            "organisation_type", "status", "moderation_reason", "created_at",
            "updated_at", "published_at", "agree_count", "mixed_count",
            "disagree_count", "vote_count", "score", "argument_for_count",
            "argument_against_count", "carrier_count", "carrier_region_count",
            "merged_vote_count",
        ]  # fmt: skip
        rows = (
            (
                p["question"], p["text"], text_fingerprint(p["text"]), p["source"],
                p["author"], p["region"], p["type"], "published", "", now, now, now,
                p["counts"]["agree"], p["counts"]["mixed"], p["counts"]["disagree"],
                sum(p["counts"].values()), wilson_lower_bound(*p["counts"].values()),
                0, 0, 1, 1, 0,
            )
            for p in proposals
        )  # fmt: skip
        self._insert(Proposal, columns, rows)
        ids = dict(
            Proposal.objects.filter(
                question_id__in={p["question"] for p in proposals}
            ).values_list("text", "pk")
        )
        for proposal in proposals:
            proposal["pk"] = ids[proposal["text"]]

    def _save_votes(self, proposals, users, plan, consultation):
        now = timezone.now()
        tallies = {}
        voted = set()

        def rows():
            for proposal, count in zip(proposals, plan, strict=True):
                for voter_index, choice in self._votes_of(proposal, count, len(users)):
                    voter, region, kind = users[voter_index]
                    voted.add(voter)
                    for key in (("region", region), ("organisation_type", kind)):
                        counts = tallies.setdefault((proposal["pk"], *key), [0, 0, 0])
                        counts[CHOICES.index(choice)] += 1
                    yield proposal["pk"], voter, choice, region, kind, now, now

        columns = [
            "proposal_id", "voter_id", "choice", "region_id", "organisation_type",
            "created_at", "updated_at",
        ]  # fmt: skip
        total = self._insert(Vote, columns, rows())
        self._insert(
            VoteTally,
            [
                "proposal_id",
                "dimension",
                "key",
                "agree_count",
                "mixed_count",
                "disagree_count",
            ],
            (
                (pk, dimension, key, *counts)
                for (pk, dimension, key), counts in tallies.items()
            ),
        )
        authors = {p["author"] for p in proposals if p["author"]}
        profiles = {user: (region, kind) for user, region, kind in users}
        self._insert(
            Participation,
            [
                "consultation_id",
                "user_id",
                "region_id",
                "organisation_type",
                "created_at",
            ],
            ((consultation.pk, user, *profiles[user], now) for user in voted | authors),
        )
        return total

    # --- Writing -------------------------------------------------------------------

    def _insert(self, model, columns, rows, chunk=200_000):
        """Insert rows (tuples in `columns` order): COPY on PostgreSQL, else bulk."""
        table = model._meta.db_table
        written = 0
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk:
                written += self._write(table, columns, batch)
                batch = []
        if batch:
            written += self._write(table, columns, batch)
        return written

    def _write(self, table, columns, batch):
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                writer = csv.writer(buffer)
                for row in batch:
                    writer.writerow(
                        ["\\N" if value is None else value for value in row]
                    )
                buffer.seek(0)
                cursor.copy_expert(
                    f"COPY {table} ({', '.join(columns)}) FROM STDIN "
                    "WITH (FORMAT csv, NULL '\\N')",
                    buffer,
                )
            else:
                adapt = connection.ops.adapt_datetimefield_value
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                    f"VALUES ({placeholders})",
                    [
                        [adapt(v) if isinstance(v, datetime) else v for v in row]
                        for row in batch
                    ],
                )
        return len(batch)
