"""
Importing a parsed workshop document (`parser.parse_workshop`): its themes,
trajectories, guiding questions and published workshop proposals, in one transaction.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultation.cache import content_changed
from consultation.models import Consultation, Phase
from trajectories.models import GuidingQuestion, Theme, Trajectory

from .. import permissions
from ..models import Proposal, Source, Status, Workshop
from ..text import text_fingerprint
from .parser import WorkshopConflict


class NoImportTarget(Exception):
    """No consultation to import into was given, and none is open; or the one given
    (or its region) is outside the importing moderator's scope."""


@dataclass
class ImportEntry:
    """One element of a workshop document, and whether the import creates it."""

    kind: str  # "theme", "trajectory", "question" or "proposal"
    text: str
    line: int
    created: bool

    KIND_LABELS = {
        "theme": gettext_lazy("Thème"),
        "trajectory": gettext_lazy("Trajectoire"),
        "question": gettext_lazy("Question"),
        "proposal": gettext_lazy("Proposition"),
    }

    @property
    def kind_label(self):
        return self.KIND_LABELS[self.kind]


@dataclass
class WorkshopImportReport:
    consultation: Consultation
    consultation_created: bool = False
    dry_run: bool = False
    entries: list = field(default_factory=list)
    workshop: Workshop | None = None

    def created_count(self, kind):
        return sum(1 for entry in self.entries if entry.kind == kind and entry.created)

    @property
    def counts(self):
        return {kind: self.created_count(kind) for kind in ImportEntry.KIND_LABELS}

    @property
    def created_anything(self):
        return self.consultation_created or any(entry.created for entry in self.entries)


DEFAULT_CONSULTATION = {
    "title": "Trajectoires ESS",
    "slug": "trajectoires-ess",
    "introduction": (
        "Une consultation collaborative des actrices et acteurs de l'économie "
        "sociale et solidaire : donnez votre avis sur les propositions issues "
        "des ateliers régionaux et ajoutez les vôtres."
    ),
    "phase": Phase.CONTRIBUTIONS,
}


def _import_target(consultation):
    """The consultation to import into; the default one is created in an empty base."""
    if consultation is not None:
        return consultation, False
    current = Consultation.objects.current()
    if current is not None:
        return current, False
    if Consultation.objects.exists():
        raise NoImportTarget(
            _("Aucune consultation n'est ouverte : indiquez dans laquelle importer.")
        )
    return Consultation.objects.create(**DEFAULT_CONSULTATION), True


def workshop_import(
    *,
    themes,
    consultation=None,
    region=None,
    workshop=None,
    dry_run=False,
    importer=None,
):
    """
    Create the themes, trajectories, questions and published workshop proposals of a
    parsed document (`parser.parse_workshop`) that do not exist yet; idempotent.

    `workshop`, when given ({"date", "place", "organiser", "participant_count"}), is
    the record of the workshop the document comes from (found or created, with the
    `region`): every proposal of the document is attached to it. A text that another
    workshop already brought under the same question is that proposal, not a new one.

    All or nothing: a conflict with existing content raises `WorkshopConflict` and
    writes nothing. A dry run does the same work and rolls it back, so its report is
    exactly what a real import would create.

    `importer`, a moderator, imports only into its scope (`permissions.place_refusal`).
    """
    with transaction.atomic():
        target, consultation_created = _import_target(consultation)
        if importer is not None and (
            refusal := permissions.place_refusal(importer, target, region)
        ):
            raise NoImportTarget(refusal)
        report = WorkshopImportReport(
            consultation=target,
            consultation_created=consultation_created,
            dry_run=dry_run,
        )
        if workshop:
            report.workshop, _created = Workshop.objects.get_or_create(
                consultation=target,
                region=region,
                date=workshop["date"],
                place=workshop["place"],
                defaults={
                    "organiser": workshop.get("organiser") or "",
                    "participant_count": workshop.get("participant_count"),
                },
            )
        next_theme_position = (
            target.themes.aggregate(last=Max("position"))["last"] or 0
        ) + 1
        for parsed_theme in themes:
            theme, created = Theme.objects.get_or_create(
                consultation=target,
                title=parsed_theme.title,
                defaults={"position": next_theme_position},
            )
            next_theme_position += created
            report.entries.append(
                ImportEntry("theme", theme.title, parsed_theme.line, created)
            )
            for parsed_trajectory in parsed_theme.trajectories:
                _import_trajectory(report, theme, parsed_trajectory, region)
        if dry_run:
            transaction.set_rollback(True)
        elif report.created_anything:
            content_changed(target.pk)
    return report


def _import_trajectory(report, theme, parsed, region):
    trajectory = (
        Trajectory.objects.select_related("theme")
        .filter(consultation=theme.consultation, number=parsed.number)
        .first()
    )
    if trajectory is None:
        trajectory = Trajectory.objects.create(
            theme=theme, number=parsed.number, title=parsed.title
        )
        created = True
    elif trajectory.theme_id != theme.pk:
        raise WorkshopConflict(
            parsed.line,
            _("la trajectoire %(number)s existe déjà dans le thème « %(theme)s ».")
            % {"number": parsed.number, "theme": trajectory.theme.title},
        )
    elif trajectory.title != parsed.title:
        raise WorkshopConflict(
            parsed.line,
            _(
                "la trajectoire %(number)s existe déjà sous un autre titre : "
                "« %(title)s »."
            )
            % {"number": parsed.number, "title": trajectory.title},
        )
    else:
        created = False
    report.entries.append(
        ImportEntry("trajectory", str(trajectory), parsed.line, created)
    )
    if not parsed.question:
        return

    question = trajectory.questions.filter(text=parsed.question).first()
    created = question is None
    if created:
        position = (
            trajectory.questions.aggregate(last=Max("position"))["last"] or 0
        ) + 1
        question = GuidingQuestion.objects.create(
            trajectory=trajectory, text=parsed.question, position=position
        )
    report.entries.append(
        ImportEntry("question", question.text, parsed.question_line, created)
    )

    # One proposal per text under a question, whichever workshop brought it first.
    existing = {
        proposal.fingerprint: proposal
        for proposal in question.proposals.filter(source=Source.WORKSHOP)
    }
    now = timezone.now()
    for line, text in parsed.items:
        proposal = existing.get(text_fingerprint(text))
        created = proposal is None
        if created:
            proposal = Proposal.objects.create(
                question=question,
                text=text,
                source=Source.WORKSHOP,
                region=region,
                status=Status.PUBLISHED,
                published_at=now,
            )
            existing[proposal.fingerprint] = proposal
        if report.workshop is not None:
            proposal.workshops.add(report.workshop)
        report.entries.append(ImportEntry("proposal", text, line, created))
