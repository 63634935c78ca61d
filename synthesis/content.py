"""
What a synthesis says, gathered once from the results' selectors (`proposals.results`,
`proposals.selectors`) and read by each of its renderings: the page, the PDF and the
workbook. Its cost grows with the proposals (one row each, read as values, not model
instances) plus one grouped scan of the votes for the region × type cross-table.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from consultation.models import OrganisationType
from proposals.models import (
    AnswerState,
    Proposal,
    Source,
    Status,
    Vote,
    Workshop,
)
from proposals.ranking import (
    CONSENSUS_MIN_REGIONS,
    RANKING_MIN_VOTES,
    approval_share,
)
from proposals.results import (
    answer_counts,
    consultation_overview,
    proposal_consensus_list,
    proposal_divisive_list,
    source_comparison,
)
from proposals.selectors import proposal_public_list
from proposals.text import normalise_text
from trajectories.selectors import theme_list

UNKNOWN_REGION = gettext_lazy("Région non renseignée")
# How many proposals the consensus and divisive lists name.
HIGHLIGHT_LENGTH = 10


def percent(count, total):
    return round(100 * count / total) if total else 0


@dataclass(slots=True)
class ProposalRow:
    """One published proposal as the synthesis shows it; `rank` is None while it
    has fewer than `RANKING_MIN_VOTES` votes."""

    pk: int
    rank: int | None
    text: str
    region: str
    organisation_type: str
    source: str
    workshops: tuple  # of Workshop: each says itself in the active language
    agree: int
    mixed: int
    disagree: int
    score: float
    answer_state: str
    answer: str
    region_code: str = ""  # the proposing organisation's region
    answer_code: str = ""  # the answer's state (`AnswerState`), "" without one

    @property
    def votes(self):
        return self.agree + self.mixed + self.disagree

    def get_absolute_url(self):
        return reverse("proposal_detail", args=[self.pk])

    @property
    def workshop_label(self):
        return "; ".join(str(workshop) for workshop in self.workshops)

    @property
    def agree_percent(self):
        return percent(self.agree, self.votes)

    @property
    def mixed_percent(self):
        return percent(self.mixed, self.votes)

    @property
    def disagree_percent(self):
        return percent(self.disagree, self.votes)

    @property
    def approval_percent(self):
        return round(100 * approval_share(self.agree, self.mixed, self.disagree))


@dataclass
class QuestionSection:
    text: str
    proposals: list = field(default_factory=list)


@dataclass
class TrajectorySection:
    number: int
    title: str
    questions: list

    @property
    def proposal_count(self):
        return sum(len(question.proposals) for question in self.questions)

    def _sum(self, name):
        return sum(
            getattr(row, name)
            for question in self.questions
            for row in question.proposals
        )

    @property
    def votes(self):
        return self._sum("agree") + self._sum("mixed") + self._sum("disagree")

    @property
    def approval_percent(self):
        return round(
            100
            * approval_share(
                self._sum("agree"), self._sum("mixed"), self._sum("disagree")
            )
        )


@dataclass
class ThemeSection:
    title: str
    trajectories: list


@dataclass
class CrossTable:
    """Support by the voter's region (rows) and organisation type (columns): each
    cell holds the votes and the approval share in percent."""

    regions: list  # [(code, name)], in French alphabetical order
    types: list  # [(value, label)]
    cells: dict  # {(region code, type value): {"votes", "approval"}}
    region_totals: dict
    type_totals: dict

    def rows(self):
        for code, name in self.regions:
            yield (
                name,
                [self.cells.get((code, value)) for value, _label in self.types],
                self.region_totals.get(code),
            )


class ContentSections:
    """What a synthesis's content (national or a region's) offers its renderings
    from its `answer_totals` and `themes`."""

    @property
    def answers(self):
        """The answers counted in words, in the active language."""
        return answer_counts(self.answer_totals)

    def trajectories(self):
        for theme in self.themes:
            yield from theme.trajectories


@dataclass
class SynthesisContent(ContentSections):
    consultation: object
    generated_at: object
    figures: dict
    sources: list
    answer_totals: dict  # {state: count}
    breakdowns: dict
    coverage: dict
    consensus: list
    divisive: list
    cross_table: CrossTable
    workshops: list
    themes: list
    min_votes: int = RANKING_MIN_VOTES
    min_regions: int = CONSENSUS_MIN_REGIONS


def _cell(agree, mixed, disagree):
    return {
        "votes": agree + mixed + disagree,
        "approval": round(100 * approval_share(agree, mixed, disagree)),
    }


def support_cross_table(consultation, regions):
    """The cross-table of `CrossTable`, from one grouped scan of the votes on record."""
    groups = Vote.objects.filter(
        proposal__in=Proposal.objects.on_record_in(consultation)
    ).choice_counts_by("region", "organisation_type")
    cells, by_region, by_type = (
        {},
        defaultdict(lambda: [0, 0, 0]),
        defaultdict(lambda: [0, 0, 0]),
    )
    for row in groups:
        counts = (row["agree"], row["mixed"], row["disagree"])
        region, kind = row["region"] or "", row["organisation_type"] or ""
        cells[(region, kind)] = _cell(*counts)
        for totals in (by_region[region], by_type[kind]):
            for index, count in enumerate(counts):
                totals[index] += count
    present_regions = sorted(
        (
            (code, regions.get(code, code) if code else UNKNOWN_REGION)
            for code in by_region
        ),
        key=lambda item: (item[0] == "", normalise_text(str(item[1]))),
    )
    type_labels = {
        "": gettext_lazy("Type non renseigné"),
        **dict(OrganisationType.choices),
    }
    present_types = [
        (value, type_labels[value])
        for value in [*OrganisationType.values, ""]
        if value in by_type
    ]
    return CrossTable(
        regions=present_regions,
        types=present_types,
        cells=cells,
        region_totals={code: _cell(*counts) for code, counts in by_region.items()},
        type_totals={value: _cell(*counts) for value, counts in by_type.items()},
    )


def workshop_list(consultation):
    """The consultation's workshops by date, each with its published proposals
    counted (`published_proposals`)."""
    return (
        Workshop.objects.filter(consultation=consultation)
        .select_related("region")
        .annotate(
            published_proposals=Count(
                "proposals", filter=Q(proposals__status=Status.PUBLISHED)
            )
        )
        .order_by("date", "pk")
    )


def _workshops_by_proposal(workshops):
    """{proposal id: (Workshop, …)} for these workshops, in one query."""
    by_pk = {workshop.pk: workshop for workshop in workshops}
    found = defaultdict(list)
    links = Proposal.workshops.through.objects.filter(
        workshop__in=list(by_pk)
    ).values_list("proposal_id", "workshop_id")
    for proposal_id, workshop_id in links:
        found[proposal_id].append(by_pk[workshop_id])
    return {pk: tuple(items) for pk, items in found.items()}


def _proposal_rows(consultation, regions, workshops):
    """{question id: [ProposalRow]} in ranking order: by score, then votes, then
    age; proposals too little voted on to be ranked come last, unnumbered."""
    workshops_of = _workshops_by_proposal(workshops)
    type_labels = dict(OrganisationType.choices)
    source_labels = dict(Source.choices)
    answer_labels = dict(AnswerState.choices)
    values = (
        proposal_public_list(consultation=consultation)
        .select_related(None)
        .order_by("question", "-score", "-vote_count", "pk")
        .values_list(
            "pk",
            "question_id",
            "text",
            "region_id",
            "organisation_type",
            "source",
            "agree_count",
            "mixed_count",
            "disagree_count",
            "score",
            "answer__state",
            "answer__text",
        )
    )
    by_question = defaultdict(list)
    ranks = defaultdict(int)
    for (pk, question, text, region, kind, source, agree, mixed, disagree, score,
         answer_state, answer) in values.iterator(chunk_size=5000):  # fmt: skip
        ranked = agree + mixed + disagree >= RANKING_MIN_VOTES
        if ranked:
            ranks[question] += 1
        by_question[question].append(
            ProposalRow(
                pk=pk,
                rank=ranks[question] if ranked else None,
                text=text,
                region=regions.get(region or "", region) if region else "",
                organisation_type=type_labels.get(kind, ""),
                source=source_labels[source],
                workshops=workshops_of.get(pk, ()),
                agree=agree,
                mixed=mixed,
                disagree=disagree,
                score=score,
                answer_state=answer_labels.get(answer_state, ""),
                answer=answer or "",
                region_code=region or "",
                answer_code=answer_state or "",
            )
        )
    for rows in by_question.values():
        rows.sort(key=lambda row: row.rank is None)  # stable: ranked order kept
    return by_question


def theme_sections(themes, rows, trajectory_section=None):
    """The synthesis's themes → trajectories → questions, each question holding its
    `rows` ({question id: [row]}), from `theme_list(…, with_questions=True)`."""
    trajectory_section = trajectory_section or TrajectorySection
    return [
        ThemeSection(
            title=theme.title,
            trajectories=[
                trajectory_section(
                    number=trajectory.number,
                    title=trajectory.title,
                    questions=[
                        QuestionSection(question.text, rows.get(question.pk, []))
                        for question in trajectory.questions.all()
                    ],
                )
                for trajectory in theme.trajectories.all()
            ],
        )
        for theme in themes
    ]


def synthesis_content(consultation):
    """Everything a synthesis shows. Its labels are lazy where they can be: one
    content renders in each language."""
    overview = consultation_overview(consultation)
    regions, figures = overview["regions"], overview["figures"]
    workshops = list(workshop_list(consultation))
    rows = _proposal_rows(consultation, regions, workshops)
    themes = theme_sections(
        theme_list(consultation=consultation, with_questions=True), rows
    )
    return SynthesisContent(
        consultation=consultation,
        generated_at=timezone.now(),
        sources=source_comparison(figures.pop("sources")),
        answer_totals=figures.pop("answers"),
        figures=figures,
        breakdowns=overview["breakdowns"],
        coverage=overview["coverage"],
        consensus=proposal_consensus_list(
            consultation=consultation,
            limit=HIGHLIGHT_LENGTH,
            voting_regions=overview["voting_regions"],
        ),
        divisive=list(
            proposal_divisive_list(consultation=consultation, limit=HIGHLIGHT_LENGTH)
        ),
        cross_table=support_cross_table(consultation, regions),
        workshops=workshops,
        themes=themes,
    )


def method_paragraphs(content):
    """How the synthesis was made, in plain words and in the active language (the
    page and the PDF say the same)."""
    return [
        gettext(
            "Les propositions viennent des ateliers régionaux et du site, où chaque "
            "organisation identifiée (SIREN, SIRET ou RNA) ou vérifiée a pu proposer "
            "et voter : « D'accord », « Mitigé » ou « Pas d'accord », une voix par "
            "organisation et par proposition."
        ),
        gettext(
            "L'adhésion est la part des « D'accord » plus la moitié des « Mitigé ». "
            "Sous chaque question, les propositions sont classées par leur score de "
            "classement (de 0 à 1 : la part d'adhésion dont on est sûr à 95 %%, borne "
            "basse de l'intervalle de Wilson), puis par nombre de votes ; celles qui "
            "ont moins de %(min_votes)s votes sont listées à la fin, sans rang."
        )
        % {"min_votes": content.min_votes},
        gettext(
            "Le score de consensus, de 0 à 1 (méthode de Pol.is), est le produit, sur "
            "les régions qui ont voté, de (adhésions + 1) / (votes + 2) ; il est "
            "calculé pour les propositions qui ont au moins %(min_votes)s votes venus "
            "d'au moins %(min_regions)s régions. Une proposition divise quand elle "
            "reçoit beaucoup d'accords et beaucoup de désaccords à la fois."
        )
        % {"min_votes": content.min_votes, "min_regions": content.min_regions},
    ]
