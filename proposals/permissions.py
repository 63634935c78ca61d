"""
Who may do what with proposals.

Each rule is one predicate that returns why an action is refused, in words for the
person, or None when it is allowed: `vote_refusal(user, proposal)`. The `can_*` forms
are "no refusal". Views show the refusal, services raise it: the sentence a person
reads and the rule that decides are the same function.

They read `proposal.question.trajectory.consultation`: callers select it in advance.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from consultation.models import Consultation, Phase, Region, User
from consultation.scopes import moderation_scope
from trajectories.models import GuidingQuestion

from .models import (
    ACTIVE_STATUSES,
    ANSWER_MAX_LENGTH,
    ARGUMENT_MAX_LENGTH,
    ARGUMENT_MIN_LENGTH,
    COSIGNERS_MAX,
    PROPOSAL_MAX_LENGTH,
    PROPOSAL_MIN_LENGTH,
    AnswerState,
    Argument,
    CoSignature,
    CoSignatureStatus,
    Proposal,
    ReportReason,
    Side,
    Status,
)

# Whoever asks: an account, or a visitor without one (`request.user`).
Person = User | AnonymousUser


def _signed_in(user: Person) -> TypeGuard[User]:
    """Whether `user` is an account (the checks after it may read its fields)."""
    return user.is_authenticated


class Refusal(str):
    """
    Why an action is refused: the sentence a person reads (a refusal is that string)
    and a stable `code` that scripts and tests read (`"vote.closed"`), which does not
    change when the sentence is reworded.
    """

    code: str

    def __new__(cls, code: str, message: str) -> "Refusal":
        refusal = super().__new__(cls, message)
        refusal.code = code
        return refusal

    def capitalised(self) -> "Refusal":
        """The refusal as a sentence of its own."""
        return Refusal(self.code, self[:1].upper() + self[1:])


def _live(proposal: Proposal) -> bool:
    """Whether `proposal` is still being decided on (`Status.LIVE`)."""
    return proposal.status in Status.LIVE


def _staff_with(user: Person, permission: str) -> bool:
    """Whether `user` is active staff holding `permission` (a role's right)."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(permission)
    )


def participation_refusal(user: Person) -> Refusal | None:
    """Why `user` may not propose nor vote at all (the phase aside), or None."""
    if not user.is_authenticated:
        return Refusal(
            "account.anonymous",
            _("Connectez-vous avec le compte de votre organisation pour participer."),
        )
    if not user.is_active:
        return Refusal(
            "account.inactive",
            _("Ce compte est désactivé : il ne peut plus proposer ni voter."),
        )
    if not user.organisation:
        return Refusal(
            "account.no_organisation",
            _("Seuls les comptes d'organisations peuvent proposer et voter."),
        )
    if user.email_confirmed_at is None:
        return Refusal(
            "account.unconfirmed",
            _(
                "Confirmez d'abord votre adresse e-mail avec le lien reçu à "
                "l'inscription."
            ),
        )
    return None


def _day(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y")


def opening_refusal(consultation: Consultation) -> Refusal | None:
    """Why nothing is accepted yet: the consultation has not opened."""
    if not consultation.has_opened:
        return Refusal(
            "consultation.not_open",
            _("La consultation ouvre le %(date)s.")
            % {"date": _day(consultation.opens_at)},
        )
    return None


def identification_refusal(user: User) -> Refusal | None:
    """One organisation, one voice: a vote needs an organisation identified by its
    SIREN, SIRET or RNA number (one account each), or verified by the team."""
    if not user.organisation_key and not user.organisation_verified:
        return Refusal(
            "vote.unidentified",
            _(
                "Une organisation, une voix : pour voter, indiquez le numéro "
                "SIREN, SIRET "
                "ou RNA de votre organisation dans « Mon organisation », ou "
                "attendez sa "
                "vérification par l'équipe de la consultation."
            ),
        )
    return None


def consultation_vote_refusal(
    user: Person, consultation: Consultation
) -> Refusal | None:
    """Why `user` may not vote on the published proposals of `consultation`, or None."""
    if refusal := opening_refusal(consultation):
        return refusal
    if consultation.closes_at and consultation.closes_at <= timezone.now():
        return Refusal(
            "vote.closed",
            _("Les votes sont clos depuis le %(date)s.")
            % {"date": _day(consultation.closes_at)},
        )
    if not consultation.accepts_votes:
        return Refusal(
            "vote.phase",
            _("Les votes ne sont pas ouverts dans cette phase de la consultation."),
        )
    refusal = participation_refusal(user)
    if refusal is None and _signed_in(user):
        return identification_refusal(user)
    return refusal


def vote_refusal(user: Person, proposal: Proposal) -> Refusal | None:
    """Why `user` may not vote on `proposal`, or None."""
    if proposal.status == Status.WITHDRAWN:
        return Refusal(
            "vote.withdrawn",
            _(
                "Cette proposition a été retirée par son autrice ou son "
                "auteur : ses votes "
                "sont conservés, et on ne peut plus voter."
            ),
        )
    if proposal.status != Status.PUBLISHED:
        return _not_open_to_votes()
    return consultation_vote_refusal(user, proposal.question.trajectory.consultation)


def submission_refusal(user: Person, consultation: Consultation) -> Refusal | None:
    """Why `user` may not submit a proposal to `consultation`, or None."""
    if refusal := opening_refusal(consultation):
        return refusal
    if not consultation.accepts_proposals:
        return Refusal(
            "submission.phase",
            _(
                "Le dépôt de propositions n'est pas ouvert dans cette phase de la "
                "consultation."
            ),
        )
    return participation_refusal(user)


def closed_refusal(consultation: Consultation) -> Refusal | None:
    """A closed consultation is frozen: its proposals and results stay as they were
    on the closing day (official answers may still come)."""
    if consultation.is_closed:
        return Refusal(
            "consultation.closed",
            _(
                "La consultation est close : ses propositions et ses résultats ne "
                "changent plus."
            ),
        )
    return None


def withdrawal_refusal(user: Person, proposal: Proposal) -> Refusal | None:
    """Why `user` may not withdraw `proposal`: only its author, while it is live."""
    if not user.is_authenticated or proposal.author_id != user.pk:
        return Refusal(
            "withdraw.not_author",
            _("Seule l'organisation autrice peut retirer sa proposition."),
        )
    if refusal := closed_refusal(proposal.question.trajectory.consultation):
        return refusal
    if not _live(proposal):
        return Refusal(
            "withdraw.not_live",
            _("Seule une proposition en attente ou publiée peut être retirée."),
        )
    return None


def can_withdraw_proposal(user: Person, proposal: Proposal) -> bool:
    return withdrawal_refusal(user, proposal) is None


def moderation_refusal(
    user: Person, proposal: Proposal | None = None
) -> Refusal | None:
    """Moderators: active staff allowed to change proposals (the "Modérateurs"), and
    with a `proposal`, one in their scope."""
    if not _staff_with(user, "proposals.change_proposal"):
        return Refusal(
            "moderation.forbidden",
            _("Vous n'avez pas le droit de modérer les propositions."),
        )
    return None if proposal is None else scope_refusal(user, proposal)


def scope_refusal(user: Person, proposal: Proposal) -> Refusal | None:
    """Why `proposal` is outside `user`'s moderation scope (its region, its
    consultation: `consultation.scopes`), or None."""
    if _signed_in(user) and not moderation_scope(user).covers(
        region_id=proposal.region_id,
        consultation_id=proposal.question.trajectory.consultation_id,
    ):
        return _out_of_scope()
    return None


def _out_of_scope() -> Refusal:
    return Refusal(
        "moderation.out_of_scope",
        _("Cette proposition est hors de votre périmètre de modération."),
    )


def place_refusal(
    user: Person, consultation: Consultation, region: Region | None
) -> Refusal | None:
    """Why `user` may not put proposals in `region` of `consultation` (a workshop's
    import, a moderator's edit), or None: both in its scope."""
    if _signed_in(user) and not moderation_scope(user).covers(
        region_id=region.pk if region is not None else None,
        consultation_id=consultation.pk,
    ):
        return Refusal(
            "moderation.place_out_of_scope",
            _("Cette région ou cette consultation est hors de votre périmètre."),
        )
    return None


def can_moderate_proposals(user: Person) -> bool:
    return moderation_refusal(user) is None


def publication_refusal(user: Person, proposal: Proposal) -> Refusal | None:
    """Why `user` may not publish `proposal`, or None."""
    if refusal := moderation_refusal(user, proposal) or closed_refusal(
        proposal.question.trajectory.consultation
    ):
        return refusal
    if proposal.status not in (Status.PENDING, Status.REJECTED):
        return Refusal(
            "publish.status",
            _("Seule une proposition en attente ou refusée peut être publiée."),
        )
    return None


def rejection_refusal(user: Person, proposal: Proposal) -> Refusal | None:
    """Why `user` may not reject `proposal`, or None."""
    if refusal := moderation_refusal(user, proposal) or closed_refusal(
        proposal.question.trajectory.consultation
    ):
        return refusal
    if not _live(proposal):
        return Refusal(
            "reject.status",
            _("Seule une proposition en attente ou publiée peut être refusée."),
        )
    return None


def can_answer_proposals(user: Person) -> bool:
    """Whoever writes official answers: active staff allowed to (`--answers`)."""
    return _staff_with(user, "proposals.answer_proposal")


def answer_refusal(user: Person, proposal: Proposal) -> Refusal | None:
    """Why `user` may not give the official answer to `proposal`, or None."""
    if not can_answer_proposals(user):
        return Refusal(
            "answer.forbidden",
            _("Vous n'avez pas le droit de répondre aux propositions."),
        )
    if refusal := scope_refusal(user, proposal):
        return refusal
    if proposal.status != Status.PUBLISHED:
        return Refusal(
            "answer.not_published",
            _("Seule une proposition publiée reçoit une réponse officielle."),
        )
    if proposal.question.trajectory.consultation.current_phase == Phase.PREPARATION:
        return Refusal(
            "answer.in_preparation",
            _(
                "La consultation est en préparation : ses propositions ne "
                "reçoivent pas "
                "encore de réponse officielle."
            ),
        )
    return None


def edit_refusal(user: Person, proposal: Proposal) -> Refusal | None:
    """Why `user` may not edit `proposal`'s text, question or region, or None."""
    return moderation_refusal(user, proposal) or closed_refusal(
        proposal.question.trajectory.consultation
    )


def can_view_proposal(user: Person, proposal: Proposal) -> bool:
    """Proposals on record (published, or withdrawn after votes) are public; others
    only to their author, the organisations invited to cosign them (or that do) and
    moderators."""
    if proposal.is_on_record and proposal.question.trajectory.consultation.is_public:
        return True
    return user.is_authenticated and (
        proposal.author_id == user.pk
        or moderation_refusal(user, proposal) is None
        or proposal.cosignatures.filter(
            Q(cosigner=user) | Q(email=user.email), status__in=ACTIVE_STATUSES
        ).exists()
    )


def argument_refusal(user: Person, proposal: Proposal) -> Refusal | None:
    """Why `user` may not add an argument to `proposal`, or None: a confirmed
    organisation, on a published proposal, while votes or contributions are open."""
    if proposal.status != Status.PUBLISHED:
        return Refusal(
            "argument.not_published",
            _("On ne peut argumenter que sur une proposition publiée."),
        )
    consultation = proposal.question.trajectory.consultation
    if refusal := opening_refusal(consultation) or closed_refusal(consultation):
        return refusal
    if not consultation.accepts_votes:
        return Refusal(
            "argument.phase",
            _("Les arguments ne sont pas ouverts dans cette phase de la consultation."),
        )
    return participation_refusal(user)


def report_refusal(user: Person, argument: Argument) -> Refusal | None:
    """Why `user` may not report `argument`, or None: any active account but its
    author's, once, while it is published."""
    if not user.is_authenticated or not user.is_active:
        return Refusal(
            "report.anonymous", _("Connectez-vous pour signaler un argument.")
        )
    if argument.author_id == user.pk:
        return Refusal(
            "report.own", _("Vous ne pouvez pas signaler votre propre argument.")
        )
    if not argument.is_published:
        return Refusal(
            "report.hidden", _("Cet argument a déjà été masqué par la modération.")
        )
    return None


def argument_moderation_refusal(
    user: Person, argument: Argument | None = None
) -> Refusal | None:
    """Moderators of arguments: active staff allowed to change them, and with an
    `argument`, one on a proposal in their scope."""
    if not _staff_with(user, "proposals.change_argument"):
        return Refusal(
            "argument_moderation.forbidden",
            _("Vous n'avez pas le droit de modérer les arguments."),
        )
    return None if argument is None else scope_refusal(user, argument.proposal)


def invitation_refusal(user: Person, proposal: Proposal) -> Refusal | None:
    """Why `user` may not invite organisations to cosign `proposal`, or None: its
    author, while it is pending or published and the consultation is not closed."""
    if not user.is_authenticated or proposal.author_id != user.pk:
        return Refusal(
            "cosign.not_author",
            _("Seule l'organisation autrice invite des cosignataires."),
        )
    if refusal := closed_refusal(proposal.question.trajectory.consultation):
        return refusal
    if not _live(proposal):
        return Refusal(
            "cosign.not_live",
            _("Seule une proposition en attente ou publiée peut être cosignée."),
        )
    return None


def can_invite_cosigners(user: Person, proposal: Proposal) -> bool:
    return invitation_refusal(user, proposal) is None


def cosigning_refusal(user: Person, cosignature: CoSignature) -> Refusal | None:
    """Why `user` may not accept `cosignature`'s invitation, or None."""
    proposal = cosignature.proposal
    if cosignature.status != CoSignatureStatus.INVITED:
        return _invitation_closed()
    if not user.is_authenticated or user.email != cosignature.email:
        return Refusal(
            "cosign.not_addressed", _("Cette invitation ne vous est pas adressée.")
        )
    if refusal := participation_refusal(user):
        return refusal
    if proposal.author_id == user.pk:
        return Refusal("cosign.own", _("On ne cosigne pas sa propre proposition."))
    if refusal := closed_refusal(proposal.question.trajectory.consultation):
        return refusal
    if not _live(proposal):
        return Refusal(
            "cosign.closed", _("Cette proposition ne peut plus être cosignée.")
        )
    return None


def merge_source_refusal(proposal: Proposal) -> Refusal | None:
    """Why `proposal` may not be merged into any other, or None: only a live one."""
    if not _live(proposal):
        return Refusal(
            "merge.not_live",
            _("Seule une proposition en attente ou publiée peut être fusionnée."),
        )
    return None


def merge_refusal(user: Person, proposal: Proposal, into: Proposal) -> Refusal | None:
    """Why `user` may not merge `proposal` into `into`, or None: a moderator, a
    pending or published proposal into another published one of the same
    consultation (so that its participations stay where they are), both in the
    moderator's scope."""
    if refusal := moderation_refusal(user, proposal) or closed_refusal(
        proposal.question.trajectory.consultation
    ):
        return refusal
    if proposal.pk == into.pk:
        return Refusal(
            "merge.itself",
            _("Une proposition ne peut pas être fusionnée avec elle-même."),
        )
    if refusal := merge_source_refusal(proposal) or scope_refusal(user, into):
        return refusal
    if into.status != Status.PUBLISHED:
        return Refusal(
            "merge.into_unpublished",
            _("On ne fusionne une proposition que dans une proposition publiée."),
        )
    if (
        proposal.question.trajectory.consultation_id
        != into.question.trajectory.consultation_id
    ):
        return Refusal(
            "merge.other_consultation",
            _("Les deux propositions doivent appartenir à la même consultation."),
        )
    return None


def follow_refusal(user: Person) -> Refusal | None:
    """Why `user` may not follow proposals or trajectories, or None: an active
    organisation's account (the mails go to its address)."""
    if not user.is_authenticated:
        return Refusal(
            "follow.anonymous",
            _("Connectez-vous pour suivre une proposition ou une trajectoire."),
        )
    if not user.is_active or not user.organisation:
        return Refusal(
            "follow.no_organisation",
            _("Seuls les comptes d'organisations peuvent suivre des propositions."),
        )
    return None


def participant_profile(user: User) -> str:
    """
    The facts of an account that the rules above read about the person (not about a
    proposal): two accounts with the same profile are refused the same things on the
    same pages, so they may be shown the same page (`consultation.shared_pages`).
    """
    return "".join(
        "1" if fact else "0"
        for fact in (
            user.is_active,
            user.organisation,
            user.email_confirmed_at is not None,
            user.organisation_key or user.organisation_verified,
            user.is_staff,
        )
    )


def involvement(
    user: User, proposal_ids: Iterable[int | str]
) -> tuple[str, list[object]]:
    """
    Whether `user` wrote, cosigns, is invited to cosign or argued on one of these
    proposals: their page then shows their own controls. As a statement (sql,
    params) that yields a row when they are: read with the page's other facts in one
    (`consultation.shared_pages.read_facts`), on every shared page served; written
    out, because building it with the ORM cost more than running it.
    """
    ids = [int(pk) for pk in proposal_ids]
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT 1 FROM {Proposal._meta.db_table} "  # noqa: S608 (tables: the models')
        f"WHERE author_id = %s AND id IN ({marks}) "
        f"UNION ALL SELECT 1 FROM {CoSignature._meta.db_table} "
        f"WHERE proposal_id IN ({marks}) AND (cosigner_id = %s OR email = %s) "
        f"UNION ALL SELECT 1 FROM {Argument._meta.db_table} "
        f"WHERE proposal_id IN ({marks}) AND author_id = %s"
    )
    return sql, [user.pk, *ids, *ids, user.pk, user.email, *ids, user.pk]


def _not_open_to_votes() -> Refusal:
    return Refusal(
        "vote.not_published", _("Cette proposition n'est pas ouverte aux votes.")
    )


def _invitation_closed() -> Refusal:
    return Refusal(
        "cosign.invitation_closed", _("Cette invitation n'est plus ouverte.")
    )


def invitee_refusal(author: User, proposal: Proposal, email: str) -> Refusal | None:
    """Why `author` may not invite `email` (normalised) to cosign `proposal`, or
    None: a valid address, not theirs, not invited yet, within `COSIGNERS_MAX`."""
    try:
        validate_email(email)
    except ValidationError:
        return Refusal(
            "cosign.email_invalid", _("Cette adresse e-mail n'est pas valide.")
        )
    if email == author.email:
        return Refusal("cosign.self", _("On ne s'invite pas soi-même."))
    active = proposal.cosignatures.filter(status__in=ACTIVE_STATUSES)
    if active.filter(email=email).exists():
        return Refusal("cosign.already_invited", _("Cette adresse est déjà invitée."))
    if active.count() >= COSIGNERS_MAX:
        return Refusal(
            "cosign.full",
            _("Une proposition compte au plus %(max)s cosignataires.")
            % {"max": COSIGNERS_MAX},
        )
    return None


def declining_refusal(user: User, cosignature: CoSignature) -> Refusal | None:
    """Why `user` may not decline `cosignature`'s invitation: it is not open, or
    not theirs."""
    if (
        cosignature.status != CoSignatureStatus.INVITED
        or user.email != cosignature.email
    ):
        return _invitation_closed()
    return None


def leaving_refusal(user: User, cosignature: CoSignature) -> Refusal | None:
    """Why `user` may not stop cosigning: they do not cosign it."""
    if (
        cosignature.status != CoSignatureStatus.ACCEPTED
        or cosignature.cosigner_id != user.pk
    ):
        return Refusal(
            "cosign.not_cosigner", _("Vous ne cosignez pas cette proposition.")
        )
    return None


def invitation_withdrawal_refusal(
    user: Person, cosignature: CoSignature
) -> Refusal | None:
    """Why `user` may not withdraw `cosignature`'s invitation: only the author, and
    only an invitation not answered yet."""
    if cosignature.proposal.author_id != user.pk:
        return Refusal(
            "cosign.withdraw_not_author",
            _("Seule l'organisation autrice retire une invitation."),
        )
    if cosignature.status != CoSignatureStatus.INVITED:
        return _invitation_closed()
    return None


def argument_content_refusal(side: str, text: str) -> Refusal | None:
    """Why (`side`, `text` normalised) cannot be an argument, or None."""
    if side not in Side.values:
        return Refusal("argument.side", _("Choisissez « Pour » ou « Contre »."))
    if len(text) < ARGUMENT_MIN_LENGTH:
        return Refusal(
            "argument.too_short",
            _("Un argument compte au moins %(min)s caractères.")
            % {"min": ARGUMENT_MIN_LENGTH},
        )
    if len(text) > ARGUMENT_MAX_LENGTH:
        return Refusal(
            "argument.too_long",
            _("Un argument compte au plus %(max)s caractères.")
            % {"max": ARGUMENT_MAX_LENGTH},
        )
    return None


def argument_removal_refusal(user: User, argument: Argument) -> Refusal | None:
    """Why `user` may not take `argument` back: only its author."""
    if argument.author_id != user.pk:
        return Refusal(
            "argument.remove_not_author",
            _("Seule l'organisation autrice peut le retirer."),
        )
    return None


def report_reason_refusal(reason: str) -> Refusal | None:
    """Why `reason` is not a reason to report an argument (`ReportReason`)."""
    if reason not in ReportReason.values:
        return Refusal("report.no_reason", _("Choisissez le motif du signalement."))
    return None


def hiding_refusal(user: Person, argument: Argument, reason: str) -> Refusal | None:
    """Why `user` may not hide `argument` for `reason` (normalised), or None."""
    if refusal := argument_moderation_refusal(user, argument):
        return refusal
    if not reason:
        return Refusal("hide.no_reason", _("Un masquage doit être motivé."))
    if not argument.is_published:
        return Refusal("hide.already", _("Cet argument est déjà masqué."))
    return None


def rejection_reason_refusal(reason: str) -> Refusal | None:
    """Why a rejection with `reason` (stripped) is refused: it has none."""
    if not reason:
        return Refusal("reject.no_reason", _("Un refus doit être motivé."))
    return None


def text_refusal(text: str) -> Refusal | None:
    """Why `text` (normalised) cannot be a proposal's text, or None."""
    if not PROPOSAL_MIN_LENGTH <= len(text) <= PROPOSAL_MAX_LENGTH:
        return Refusal(
            "proposal.length",
            _("Une proposition compte entre %(min)s et %(max)s caractères.")
            % {"min": PROPOSAL_MIN_LENGTH, "max": PROPOSAL_MAX_LENGTH},
        )
    return None


def duplicate_refusal(
    question: GuidingQuestion, text: str, *, exclude: Proposal | None = None
) -> Refusal | None:
    """For moderators: why `text` would duplicate a live proposal, or None."""
    duplicate = (
        Proposal.objects.live_duplicates(question, text)
        .exclude(pk=getattr(exclude, "pk", None))
        .first()
    )
    if duplicate is None:
        return None
    return Refusal(
        "proposal.duplicate",
        _(
            "Une proposition identique existe déjà pour cette question (n° %(pk)s, "
            "%(status)s) : « %(text)s »."
        )
        % {
            "pk": duplicate.pk,
            "status": duplicate.get_status_display().lower(),
            "text": duplicate.text,
        },
    )


def edit_duplicate_refusal(
    proposal: Proposal, question: GuidingQuestion, text: str
) -> Refusal | None:
    """Why a moderator may not give `proposal` this `text` under `question`: the same
    as another live proposal of it (a proposal that is no longer live is not held to
    it). The admin's form shows it; `proposal_edit` applies it again."""
    if _live(proposal):
        return duplicate_refusal(question, text, exclude=proposal)
    return None


def answer_content_refusal(state: str, text: str) -> Refusal | None:
    """Why (`state`, `text` normalised) is not an official answer, or None. Worded
    for the middle of a sentence: the answers file names its line before it
    (`Refusal.capitalised` for a sentence of its own)."""
    if state not in AnswerState.values:
        return Refusal(
            "answer.unknown_state",
            _("réponse inconnue : « %(state)s » (%(known)s).")
            % {"state": state, "known": ", ".join(AnswerState.values)},
        )
    if not text:
        return Refusal("answer.empty", _("le texte de la réponse est vide."))
    if len(text) > ANSWER_MAX_LENGTH:
        return Refusal(
            "answer.too_long",
            _("le texte de la réponse dépasse %(max)s caractères.")
            % {"max": ANSWER_MAX_LENGTH},
        )
    return None


def race_refusal(code: str) -> Refusal:
    """
    The refusal of a write that met another one in the same instant: a row gone or
    changed under its lock, a unique constraint met. Decided inside the transaction,
    worded here with every other refusal.
    """
    messages = {
        "merge.gone": _("Cette proposition n'existe plus."),
        "vote.retry": _("Votre vote n'a pas pu être enregistré : réessayez."),
        "vote.not_published": _not_open_to_votes(),
        "edit.duplicate": _(
            "Une proposition identique existe déjà pour cette question."
        ),
        "argument.already": _(
            "Votre organisation a déjà donné un argument sur cette proposition."
        ),
        "report.already": _("Vous avez déjà signalé cet argument."),
    }
    return Refusal(code, messages[code])


def submission_duplicate_refusal(user: User, existing: Proposal) -> Refusal:
    """Why `user` may not submit a text `existing` (a live proposal of the question)
    already has, in words that say where to go: vote for it, or wait for it."""
    if existing.status == Status.PUBLISHED:
        return Refusal(
            "proposal.exists",
            _("Cette proposition existe déjà pour cette question : votez pour elle !"),
        )
    if existing.author_id == user.pk:
        return Refusal(
            "proposal.already_submitted",
            _("Vous avez déjà déposé cette proposition."),
        )
    return Refusal(
        "proposal.exists_pending",
        _("Une proposition identique attend déjà la modération pour cette question."),
    )


def withdrawal_confirmation_refusal(
    proposal: Proposal, confirmed: bool
) -> Refusal | None:
    """Why withdrawing `proposal` waits for its author's confirmation: others voted
    on it, and it will leave the rankings with its votes still counted."""
    if not proposal.vote_count or confirmed:
        return None
    return Refusal(
        "withdraw.unconfirmed",
        ngettext(
            "Cette proposition a reçu %(count)s vote : confirmez son retrait. "
            "Elle quittera les classements ; son vote restera compté.",
            "Cette proposition a reçu %(count)s votes : confirmez son retrait. "
            "Elle quittera les classements ; ses votes resteront comptés.",
            proposal.vote_count,
        )
        % {"count": proposal.vote_count},
    )
