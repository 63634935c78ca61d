"""
Every change of state of proposals and votes goes through a function of this module:
one transaction, the rows locked or moved with `F()` expressions, and a
`ProposalActionError` (with a message for the person) when a rule forbids the change.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultation.cache import content_changed
from consultation.models import Consultation, Phase
from trajectories.models import GuidingQuestion, Theme, Trajectory

from . import permissions
from .models import (
    Choice,
    ModerationAction,
    ModerationEvent,
    Participation,
    Proposal,
    Source,
    Status,
    TallyDimension,
    Vote,
    VoteTally,
)
from .ranking import wilson_lower_bound
from .text import text_fingerprint
from .workshop import WorkshopSyntaxError


class ProposalActionError(Exception):
    """A rule forbids the change; the message is meant for the person who asked."""


# --- Votes ---------------------------------------------------------------------------


def _move_counters(proposal_id, *, add=None, remove=None):
    """
    Move the vote counters in the database, never through a value read in Python, then
    store the new score. The caller holds the proposal's row lock.
    """
    changes = {}
    if add:
        changes[f"{add}_count"] = F(f"{add}_count") + 1
    if remove:
        changes[f"{remove}_count"] = F(f"{remove}_count") - 1
    changes["vote_count"] = F("vote_count") + int(bool(add)) - int(bool(remove))
    rows = Proposal.objects.filter(pk=proposal_id)
    rows.update(**changes)
    counts = rows.values_list("agree_count", "mixed_count", "disagree_count").get()
    rows.update(score=wilson_lower_bound(*counts))


def _locked_proposal(proposal):
    """Lock the proposal's row until the end of the transaction and read it afresh."""
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("question__trajectory__consultation")
        .get(pk=proposal.pk)
    )


def _move_tallies(vote, *, add=None, remove=None):
    """
    Move the per-region and per-organisation-type tallies of `vote`'s proposal, in one
    upsert (the same SQL on PostgreSQL and SQLite). The caller holds the row lock.
    """
    deltas = [int(choice == add) - int(choice == remove) for choice in Choice.values]
    # A new group's row can only come with an added vote: it is inserted with the
    # additions, and an existing row takes the deltas. (SQLite checks the inserted
    # values against the non-negative constraint before it looks for a conflict.)
    inserted = [max(delta, 0) for delta in deltas]
    table = VoteTally._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table}
                (proposal_id, dimension, key, agree_count, mixed_count, disagree_count)
            VALUES (%s, %s, %s, %s, %s, %s), (%s, %s, %s, %s, %s, %s)
            ON CONFLICT (proposal_id, dimension, key) DO UPDATE SET
                agree_count = {table}.agree_count + %s,
                mixed_count = {table}.mixed_count + %s,
                disagree_count = {table}.disagree_count + %s
            """,  # noqa: S608 - the table name is the model's, values are parameters
            [
                *(vote.proposal_id, TallyDimension.REGION, vote.region_id or ""),
                *inserted,
                *(vote.proposal_id, TallyDimension.ORGANISATION_TYPE),
                *(vote.organisation_type, *inserted),
                *deltas,
            ],
        )  # fmt: skip


def participation_record(*, consultation, user):
    """Count `user` among the consultation's participants (once)."""
    Participation.objects.bulk_create(
        [Participation(consultation=consultation, user=user)], ignore_conflicts=True
    )


@transaction.atomic
def vote_cast(*, proposal, voter, choice):
    """
    Set `voter`'s vote on `proposal` to `choice` (a `Choice` value), or remove it when
    `choice` is None. Returns the vote, or None once removed.

    The proposal's row is locked, so concurrent votes on it (a double click, a second
    tab) are applied one after the other, and the counters and tallies always equal the
    vote rows.
    """
    proposal = _locked_proposal(proposal)
    if not permissions.can_vote_proposal(voter, proposal):
        raise ProposalActionError(_vote_refusal_reason(voter, proposal))

    vote = Vote.objects.filter(proposal=proposal, voter=voter).first()
    previous = vote.choice if vote else None
    if choice == previous:
        return vote
    if vote is None:
        vote = Vote.objects.create(
            proposal=proposal,
            voter=voter,
            choice=choice,
            region_id=voter.region_id,
            organisation_type=voter.organisation_type,
        )
        participation_record(
            consultation=proposal.question.trajectory.consultation, user=voter
        )
    elif choice is None:
        vote.delete()
    else:
        vote.choice = choice
        vote.save(update_fields=["choice", "updated_at"])
    _move_counters(proposal.pk, add=choice, remove=previous)
    _move_tallies(vote, add=choice, remove=previous)
    return vote if choice is not None else None


@transaction.atomic
def vote_counters_repair(*, proposals):
    """
    Set the counters, score and tallies of `proposals` to what their vote rows say. Each
    row is locked first, so that no vote moves them while they are being recounted.
    """
    repaired = 0
    for proposal in proposals:
        locked = Proposal.objects.select_for_update().filter(pk=proposal.pk)
        if not locked.exists():
            continue
        votes = Vote.objects.filter(proposal_id=proposal.pk).order_by()
        choices = dict(votes.values_list("choice").annotate(count=Count("id")))
        agree, mixed, disagree = (choices.get(choice, 0) for choice in Choice.values)
        locked.update(
            agree_count=agree,
            mixed_count=mixed,
            disagree_count=disagree,
            vote_count=agree + mixed + disagree,
            score=wilson_lower_bound(agree, mixed, disagree),
        )
        VoteTally.objects.filter(proposal_id=proposal.pk).delete()
        VoteTally.objects.bulk_create(
            VoteTally(
                proposal_id=proposal.pk,
                dimension=dimension,
                key=row[field] or "",
                agree_count=row["agree"],
                mixed_count=row["mixed"],
                disagree_count=row["disagree"],
            )
            for dimension, field in (
                (TallyDimension.REGION, "region"),
                (TallyDimension.ORGANISATION_TYPE, "organisation_type"),
            )
            for row in votes.values(field).annotate(
                agree=Count("id", filter=Q(choice=Choice.AGREE)),
                mixed=Count("id", filter=Q(choice=Choice.MIXED)),
                disagree=Count("id", filter=Q(choice=Choice.DISAGREE)),
            )
        )
        repaired += 1
    return repaired


def participation_refusal_reason(user):
    """Why `user` may not take part, or None if they may (the phase aside)."""
    if not user.is_authenticated:
        return _("Connectez-vous avec le compte de votre organisation pour participer.")
    if not user.organisation:
        return _("Seuls les comptes d'organisations peuvent proposer et voter.")
    if user.email_confirmed_at is None:
        return _(
            "Confirmez d'abord votre adresse e-mail avec le lien reçu à l'inscription."
        )
    return None


def _vote_refusal_reason(voter, proposal):
    if reason := participation_refusal_reason(voter):
        return reason
    if proposal.status != Status.PUBLISHED:
        return _("Cette proposition n'est pas ouverte aux votes.")
    return _("Les votes ne sont pas ouverts dans cette phase de la consultation.")


# --- Submission and accounts -------------------------------------------------------

PROPOSAL_MIN_LENGTH = 15
PROPOSAL_MAX_LENGTH = 1000


class DuplicateProposal(ProposalActionError):
    """The same text (case, accents and punctuation aside) exists under the question."""

    def __init__(self, message, existing):
        super().__init__(message)
        self.existing = existing


def _duplicate_error(existing, author):
    if existing.status == Status.PUBLISHED:
        return DuplicateProposal(
            _("Cette proposition existe déjà pour cette question : votez pour elle !"),
            existing,
        )
    if existing.author_id == author.pk:
        return DuplicateProposal(
            _("Vous avez déjà déposé cette proposition."), existing
        )
    return DuplicateProposal(
        _("Une proposition identique attend déjà la modération pour cette question."),
        existing,
    )


@transaction.atomic
def proposal_submit(*, author, question, text):
    """Submit an online proposal; it waits for moderation (status `pending`)."""
    text = " ".join(text.split())
    consultation = question.trajectory.consultation
    if reason := participation_refusal_reason(author):
        raise ProposalActionError(reason)
    if not consultation.accepts_proposals:
        raise ProposalActionError(
            _(
                "Le dépôt de propositions n'est pas ouvert dans cette phase de la "
                "consultation."
            )
        )
    if not PROPOSAL_MIN_LENGTH <= len(text) <= PROPOSAL_MAX_LENGTH:
        raise ProposalActionError(
            _("Une proposition compte entre %(min)s et %(max)s caractères.")
            % {"min": PROPOSAL_MIN_LENGTH, "max": PROPOSAL_MAX_LENGTH}
        )
    existing = (
        Proposal.objects.filter(
            question=question,
            fingerprint=text_fingerprint(text),
            status__in=[Status.PENDING, Status.PUBLISHED],
        )
        .order_by("-status", "pk")  # a published one first: it is the one to link to
        .first()
    )
    if existing is not None:
        raise _duplicate_error(existing, author)
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                question=question,
                text=text,
                source=Source.ONLINE,
                author=author,
                region_id=author.region_id,
                organisation_type=author.organisation_type,
                status=Status.PENDING,
            )
    except IntegrityError:
        # A concurrent submission of the same text (a double click) got there first.
        existing = Proposal.objects.get(
            question=question,
            fingerprint=text_fingerprint(text),
            source=Source.ONLINE,
            status__in=[Status.PENDING, Status.PUBLISHED],
        )
        raise _duplicate_error(existing, author) from None
    participation_record(consultation=consultation, user=author)
    return proposal


@transaction.atomic
def account_delete(*, user):
    """
    Delete an account and what only it could see: its pending, rejected and withdrawn
    proposals. Its published proposals stay, without author; its votes stay, without
    voter, so that no published count changes (the database empties both links).
    """
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    Proposal.objects.filter(author=user).exclude(status=Status.PUBLISHED).delete()
    # Its published proposals lose their organisation's name: public pages change.
    for consultation_id in user.participations.values_list("consultation", flat=True):
        content_changed(consultation_id)
    user.delete()


# --- Moderation ----------------------------------------------------------------


def _record(proposal, *, actor, action, previous_status, reason=""):
    """Record a moderation decision; what the public sees changes with it."""
    content_changed(proposal.question.trajectory.consultation_id)
    ModerationEvent.objects.create(
        proposal=proposal,
        actor=actor,
        action=action,
        previous_status=previous_status,
        reason=reason,
    )


def _notify_author(proposal):
    """Mail the author of an online proposal its moderation decision, after commit."""
    author = proposal.author
    if author is None or not author.email:
        return
    context = {"proposal": proposal, "author": author}
    template = f"proposals/email/proposal_{proposal.status}"

    def send():
        with translation.override(settings.LANGUAGE_CODE):
            send_mail(
                subject=render_to_string(f"{template}_subject.txt", context).strip(),
                message=render_to_string(f"{template}_body.txt", context),
                from_email=None,
                recipient_list=[author.email],
            )

    transaction.on_commit(send)


@transaction.atomic
def proposal_publish(*, proposal, moderator):
    """Publish a pending (or previously rejected) proposal."""
    proposal = _locked_proposal(proposal)
    if not permissions.can_moderate_proposals(moderator):
        raise ProposalActionError(
            _("Vous n'avez pas le droit de modérer les propositions.")
        )
    if proposal.status not in (Status.PENDING, Status.REJECTED):
        raise ProposalActionError(
            _("Seule une proposition en attente ou refusée peut être publiée.")
        )
    previous_status = proposal.status
    proposal.status = Status.PUBLISHED
    proposal.moderation_reason = ""
    proposal.published_at = proposal.published_at or timezone.now()
    proposal.save(
        update_fields=["status", "moderation_reason", "published_at", "updated_at"]
    )
    _record(
        proposal,
        actor=moderator,
        action=ModerationAction.PUBLISHED,
        previous_status=previous_status,
    )
    _notify_author(proposal)
    return proposal


@transaction.atomic
def proposal_reject(*, proposal, moderator, reason):
    """Reject a pending or published proposal; its author sees the required reason."""
    reason = (reason or "").strip()
    proposal = _locked_proposal(proposal)
    if not permissions.can_moderate_proposals(moderator):
        raise ProposalActionError(
            _("Vous n'avez pas le droit de modérer les propositions.")
        )
    if not reason:
        raise ProposalActionError(_("Un refus doit être motivé."))
    if proposal.status not in (Status.PENDING, Status.PUBLISHED):
        raise ProposalActionError(
            _("Seule une proposition en attente ou publiée peut être refusée.")
        )
    previous_status = proposal.status
    proposal.status = Status.REJECTED
    proposal.moderation_reason = reason
    proposal.save(update_fields=["status", "moderation_reason", "updated_at"])
    _record(
        proposal,
        actor=moderator,
        action=ModerationAction.REJECTED,
        previous_status=previous_status,
        reason=reason,
    )
    _notify_author(proposal)
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal, author):
    """Let an author withdraw their own pending or published proposal."""
    proposal = _locked_proposal(proposal)
    if not permissions.can_withdraw_proposal(author, proposal):
        raise ProposalActionError(_("Vous ne pouvez pas retirer cette proposition."))
    previous_status = proposal.status
    proposal.status = Status.WITHDRAWN
    proposal.save(update_fields=["status", "updated_at"])
    _record(
        proposal,
        actor=author,
        action=ModerationAction.WITHDRAWN,
        previous_status=previous_status,
    )
    return proposal


# --- Workshop documents --------------------------------------------------------


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
        raise ProposalActionError(
            _("Aucune consultation n'est ouverte : indiquez dans laquelle importer.")
        )
    return Consultation.objects.create(**DEFAULT_CONSULTATION), True


def workshop_import(*, themes, consultation=None, region=None, dry_run=False):
    """
    Create the themes, trajectories, questions and published workshop proposals of a
    parsed document (`workshop.parse_workshop`) that do not exist yet; idempotent.

    All or nothing: a conflict with existing content raises `WorkshopSyntaxError` and
    writes nothing. A dry run does the same work and rolls it back, so its report is
    exactly what a real import would create.
    """
    with transaction.atomic():
        target, consultation_created = _import_target(consultation)
        report = WorkshopImportReport(
            consultation=target,
            consultation_created=consultation_created,
            dry_run=dry_run,
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
        raise WorkshopSyntaxError(
            parsed.line,
            _("la trajectoire %(number)s existe déjà dans le thème « %(theme)s ».")
            % {"number": parsed.number, "theme": trajectory.theme.title},
        )
    elif trajectory.title != parsed.title:
        raise WorkshopSyntaxError(
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

    existing = set(
        question.proposals.filter(source=Source.WORKSHOP, region=region).values_list(
            "text", flat=True
        )
    )
    now = timezone.now()
    for line, text in parsed.items:
        created = text not in existing
        if created:
            Proposal.objects.create(
                question=question,
                text=text,
                source=Source.WORKSHOP,
                region=region,
                status=Status.PUBLISHED,
                published_at=now,
            )
            existing.add(text)
        report.entries.append(ImportEntry("proposal", text, line, created))
