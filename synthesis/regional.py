"""
What a region's synthesis says: its part of the consultation (its workshops, its
organisations, its proposals — those of its organisations and those its workshops
brought, as `ProposalQuerySet.of_region` says) compared with the country. Each of its
renderings (page, PDF, workbook) reads one `RegionalContent`.

`regional_contents` gathers every region's content of a consultation from one read of
each source — the published proposals, one pass over the per-region tallies
(`VoteTally`, the votes counted by the voter's region), the participations, the
workshops — not one per region: the eighteen regions cost about what the national
synthesis's reading costs.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext

from consultation.models import Region
from consultation.templatetags.typography import percent
from proposals.models import Proposal, TallyDimension, VoteTally
from proposals.ranking import RANKING_MIN_VOTES, approval_share
from proposals.regions import (
    COMPARISON_MIN_VOTES,
    compared,
    participation_by_region,
)
from proposals.results import region_names
from trajectories.selectors import theme_list

from .content import (
    ContentSections,
    ProposalRow,
    TrajectorySection,
    _proposal_rows,
    theme_sections,
    workshop_list,
)

NO_VOTES = (0, 0, 0)


def approval_percent(counts):
    return round(100 * approval_share(*counts)) if sum(counts) else None


@dataclass(slots=True)
class RegionalRow:
    """One of the region's published proposals: the country's votes on it (`country`,
    every vote, the region's included) and the region's own. `rank` orders the
    region's proposals under their question by the country's ranking; None while the
    proposal has fewer than `RANKING_MIN_VOTES` votes in all."""

    country: ProposalRow
    rank: int | None
    agree: int
    mixed: int
    disagree: int

    @property
    def pk(self):
        return self.country.pk

    @property
    def text(self):
        return self.country.text

    @property
    def source(self):
        return self.country.source

    @property
    def workshop_label(self):
        return self.country.workshop_label

    @property
    def votes(self):
        return self.agree + self.mixed + self.disagree

    @property
    def approval_percent(self):
        """The region's approval, None without a vote from the region."""
        return approval_percent((self.agree, self.mixed, self.disagree))

    @property
    def gap(self):
        """The region's approval less the country's, in points, where both have
        `COMPARISON_MIN_VOTES` votes (the comparison's rule); None otherwise."""
        if (
            self.votes < COMPARISON_MIN_VOTES
            or self.country.votes < COMPARISON_MIN_VOTES
        ):
            return None
        return self.approval_percent - self.country.approval_percent


@dataclass
class RegionalTrajectorySection(TrajectorySection):
    """A trajectory's part of the region's proposals; `votes` and `approval_percent`
    are the region's votes on them, `country_approval_percent` every vote's."""

    @property
    def country_approval_percent(self):
        return approval_percent(
            tuple(
                sum(
                    getattr(row.country, name)
                    for question in self.questions
                    for row in question.proposals
                )
                for name in ("agree", "mixed", "disagree")
            )
        )


@dataclass
class RegionalContent(ContentSections):
    consultation: object
    region: Region
    generated_at: object
    figures: dict  # proposals, votes (cast by the region's organisations), …
    approval: dict  # {"region": %, "country": %}: every vote on record
    participation: list  # [{"label", "count"}], by type, most first
    answer_totals: Counter  # {state: count} over the region's proposals
    comparison: dict  # `proposals.regions.compared` over every published proposal
    workshops: list
    themes: list
    min_votes: int = RANKING_MIN_VOTES


def region_tallies(consultation):
    """{region code: {proposal id: (agree, mixed, disagree)}} of the votes on record,
    by the voter's region: one pass over the tallies."""
    tallies = defaultdict(dict)
    rows = (
        VoteTally.objects.filter(
            dimension=TallyDimension.REGION,
            proposal__in=Proposal.objects.on_record_in(consultation),
        )
        .exclude(key="")
        .values_list(
            "key", "proposal_id", "agree_count", "mixed_count", "disagree_count"
        )
    )
    for key, proposal, agree, mixed, disagree in rows.iterator(chunk_size=20_000):
        tallies[key][proposal] = (agree, mixed, disagree)
    return tallies


def _summed(counts):
    """The (agree, mixed, disagree) of all these counts added up."""
    agree = mixed = disagree = 0
    for one_agree, one_mixed, one_disagree in counts:
        agree, mixed, disagree = (
            agree + one_agree,
            mixed + one_mixed,
            disagree + one_disagree,
        )
    return agree, mixed, disagree


def _regional_rows(rows_by_question, members, tallies):
    """{question id: [RegionalRow]} of the region's proposals (`members`), in the
    country's ranking order."""
    regional = {}
    for question, rows in rows_by_question.items():
        mine, rank = [], 0
        for row in rows:
            if row.pk not in members:
                continue
            if row.rank is not None:
                rank += 1
            mine.append(
                RegionalRow(
                    row, rank if row.rank is not None else None,
                    *tallies.get(row.pk, NO_VOTES),
                )
            )  # fmt: skip
        if mine:
            regional[question] = mine
    return regional


def regional_contents(consultation, regions=None):
    """
    Yield the `RegionalContent` of each region of `regions` (every region by
    default, in the French order of their names) for `consultation`. Its labels are
    lazy where they can be: one content renders in each language.
    """
    names = region_names()
    workshops = list(workshop_list(consultation))
    rows_by_question = _proposal_rows(consultation, names, workshops)
    every_row = [row for rows in rows_by_question.values() for row in rows]
    themes = list(theme_list(consultation=consultation, with_questions=True))
    members = defaultdict(set)
    for row in every_row:
        for code in {row.region_code, *(w.region_id for w in row.workshops)}:
            if code:
                members[code].add(row.pk)
    tallies = region_tallies(consultation)
    participation = participation_by_region(consultation)
    country_counts = _summed(
        counts for own in tallies.values() for counts in own.values()
    )
    for region in regions if regions is not None else Region.objects.all():
        own = tallies.get(region.pk, {})
        mine = _regional_rows(rows_by_question, members[region.pk], own)
        region_counts = _summed(own.values())
        held = [w for w in workshops if w.region_id == region.pk]
        yield RegionalContent(
            consultation=consultation,
            region=region,
            generated_at=timezone.now(),
            figures={
                "proposals": sum(map(len, mine.values())),
                "votes": sum(region_counts),
                "organisations": sum(
                    item["count"] for item in participation.get(region.pk, ())
                ),
                "workshops": len(held),
            },
            approval={
                "region": approval_percent(region_counts),
                "country": approval_percent(country_counts),
            },
            participation=participation.get(region.pk, []),
            answer_totals=Counter(
                row.country.answer_code
                for rows in mine.values()
                for row in rows
                if row.country.answer_code
            ),
            comparison=compared(
                (row, own.get(row.pk, NO_VOTES), (row.agree, row.mixed, row.disagree))
                for row in every_row
            ),
            workshops=held,
            themes=theme_sections(themes, mine, RegionalTrajectorySection),
        )


def regional_method_paragraphs(content):
    """How a region's synthesis was made, in the active language (its page and its
    PDF say the same)."""
    paragraphs = [
        gettext(
            "Cette synthèse rassemble la part de la région %(region)s dans la "
            "consultation : les propositions de ses organisations et celles que ses "
            "ateliers ont apportées, et les votes de ses organisations, comparés à "
            "ceux de tout le pays."
        )
        % {"region": content.region.name},
        gettext(
            "L'adhésion est la part des « D'accord » plus la moitié des « Mitigé ». "
            "Pour chaque proposition, l'adhésion dans le pays compte tous les votes "
            "(ceux de la région compris), l'adhésion dans la région ceux de ses "
            "organisations seulement. Sous chaque question, les propositions suivent "
            "le classement national ; celles qui ont moins de %(min_votes)s votes "
            "sont listées à la fin, sans rang."
        )
        % {"min_votes": content.min_votes},
        gettext(
            "Un écart, en points, n'est donné que pour une proposition qui a au moins "
            "%(min_votes)s votes d'organisations de la région et au moins "
            "%(min_votes)s votes en tout : en dessous, il tiendrait surtout au hasard."
        )
        % {"min_votes": COMPARISON_MIN_VOTES},
    ]
    if content.approval["region"] is not None:
        paragraphs.append(
            gettext(
                "Sur toutes les propositions, les organisations de la région adhèrent "
                "à %(region)s, l'ensemble du pays à %(country)s."
            )
            % {
                "region": percent(content.approval["region"]),
                "country": percent(content.approval["country"]),
            }
        )
    return paragraphs
