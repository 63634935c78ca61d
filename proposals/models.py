"""Proposals answering guiding questions, and the votes cast on them."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consultation.models import (
    organisation_type_field,
    organisation_type_valid,
    region_field,
)
from trajectories.models import GuidingQuestion

from .ranking import approval_share, distribution
from .text import text_fingerprint


class Source(models.TextChoices):
    WORKSHOP = "workshop", _("Atelier")
    ONLINE = "online", _("En ligne")


class Status(models.TextChoices):
    PENDING = "pending", _("En attente de modération")
    PUBLISHED = "published", _("Publiée")
    REJECTED = "rejected", _("Refusée")
    WITHDRAWN = "withdrawn", _("Retirée par son autrice ou son auteur")


class Choice(models.TextChoices):
    AGREE = "agree", _("D'accord")
    MIXED = "mixed", _("Mitigé")
    DISAGREE = "disagree", _("Pas d'accord")


def choice_counts(through=""):
    """Annotations that count votes by choice, as {"agree": Count, …}; `through` is
    the path from the queried model to its votes ("votes__" from proposals)."""
    return {
        choice: models.Count(
            f"{through}id" if through else "id",
            filter=models.Q(**{f"{through}choice": choice}),
        )
        for choice in Choice.values
    }


def counters_non_negative(name):
    """The constraint that the three vote counters of a row are never negative."""
    return models.CheckConstraint(
        condition=models.Q(agree_count__gte=0)
        & models.Q(mixed_count__gte=0)
        & models.Q(disagree_count__gte=0),
        name=name,
    )


class Workshop(models.Model):
    """
    A regional workshop (« atelier ») of a consultation: where its first proposals
    come from. `import_workshop` attaches the proposals it imports to their workshop;
    the same text imported from two workshops is one proposal with both.
    """

    consultation = models.ForeignKey(
        "consultation.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="workshops",
    )
    region = region_field(related_name="workshops")
    date = models.DateField(_("date"))
    place = models.CharField(_("lieu"), max_length=200)
    organiser = models.CharField(_("organisé par"), max_length=200, blank=True)
    participant_count = models.PositiveIntegerField(
        _("nombre de participants"), null=True, blank=True
    )
    report = models.FileField(
        _("compte rendu"), upload_to="ateliers/", blank=True, max_length=200
    )

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("atelier")
        verbose_name_plural = _("ateliers")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "region", "date", "place"],
                name="workshop_once",
                violation_error_message=_("Cet atelier existe déjà."),
            )
        ]

    def __str__(self):
        """« Atelier Bretagne, 12 mars 2024, Rennes, 34 participants »."""
        region = self.region.name if self.region_id else _("national")
        described = _("Atelier %(region)s, %(date)s, %(place)s") % {
            "region": region,
            "date": date_format(self.date, "j F Y"),
            "place": self.place,
        }
        if self.participant_count:
            described += ngettext(
                ", %(count)s participant",
                ", %(count)s participants",
                self.participant_count,
            ) % {"count": self.participant_count}
        return described


class ProposalQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def in_consultation(self, consultation):
        return self.filter(question__trajectory__consultation=consultation)

    def public_in(self, consultation):
        """What the public may see of a consultation: its published proposals."""
        return self.published().in_consultation(consultation)

    def on_record(self):
        """Published proposals, and withdrawn ones that had votes: their votes were
        cast, so they stay counted and public (out of the rankings)."""
        return self.filter(
            models.Q(status=Status.PUBLISHED)
            | models.Q(status=Status.WITHDRAWN, vote_count__gt=0)
        )

    def on_record_in(self, consultation):
        return self.on_record().in_consultation(consultation)


class Proposal(models.Model):
    """
    An answer to a guiding question.

    The vote counters are denormalised from the votes so that lists, rankings and
    exports never count rows; `proposals.services` is the only code that moves them.
    """

    question = models.ForeignKey(
        GuidingQuestion,
        verbose_name=_("question directrice"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    text = models.TextField(_("texte"))
    # A hash of the normalised text (`normalise_text`): duplicates under one question
    # are found by an index, not by comparing texts.
    fingerprint = models.CharField(max_length=64, default="", editable=False)
    source = models.CharField(
        _("origine"), max_length=10, choices=Source.choices, default=Source.ONLINE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    region = region_field(related_name="proposals")
    workshops = models.ManyToManyField(
        Workshop,
        verbose_name=_("ateliers"),
        related_name="proposals",
        blank=True,
    )
    # Copied from the author when submitted: it stays public (open data) even if the
    # account is deleted, and exports need no join.
    organisation_type = organisation_type_field()
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    moderation_reason = models.TextField(
        _("motif de modération"),
        blank=True,
        help_text=_("Obligatoire pour un refus ; l'auteur le voit."),
    )
    created_at = models.DateTimeField(_("déposée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    agree_count = models.PositiveIntegerField(_("d'accord"), default=0, editable=False)
    mixed_count = models.PositiveIntegerField(_("mitigé"), default=0, editable=False)
    disagree_count = models.PositiveIntegerField(
        _("pas d'accord"), default=0, editable=False
    )
    vote_count = models.PositiveIntegerField(_("votes"), default=0, editable=False)
    # The lower bound of the Wilson interval of the approval share (`ranking`), stored
    # so that "best ranked" is an indexed ORDER BY; `services.vote_cast` keeps it true.
    score = models.FloatField(_("score"), default=0.0, editable=False)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        permissions = [("import_workshop", _("Peut importer un document d'atelier"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values),
                name="proposal_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=Source.values),
                name="proposal_source_valid",
            ),
            organisation_type_valid("proposal_organisation_type_valid"),
            counters_non_negative("proposal_counters_non_negative"),
            models.CheckConstraint(
                condition=models.Q(
                    vote_count=models.F("agree_count")
                    + models.F("mixed_count")
                    + models.F("disagree_count")
                ),
                name="proposal_vote_count_is_the_sum",
            ),
            # The last line of defence against a double submission; the service
            # also compares with workshop proposals and says which one is the same.
            models.UniqueConstraint(
                fields=["question", "fingerprint"],
                condition=models.Q(
                    source="online", status__in=["pending", "published"]
                ),
                name="proposal_online_text_unique_in_question",
                violation_error_message=_(
                    "Cette proposition existe déjà pour cette question."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected")
                | ~models.Q(moderation_reason=""),
                name="proposal_rejection_has_reason",
                violation_error_message=_("Un refus doit être motivé."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "question"], name="proposal_status_question"
            ),
            models.Index(
                fields=["question", "fingerprint"], name="proposal_question_text"
            ),
            models.Index(
                fields=["status", "created_at"], name="proposal_status_created"
            ),
            models.Index(fields=["status", "region"], name="proposal_status_region"),
            # The trajectory page's orders, within a question's published proposals.
            models.Index(
                fields=["question", "status", "-score", "-vote_count"],
                name="proposal_question_rank",
            ),
            models.Index(
                fields=["question", "status", "-vote_count"],
                name="proposal_question_debated",
            ),
        ]

    def __str__(self):
        return self.text if len(self.text) <= 80 else f"{self.text[:79]}…"

    def save(self, *args, **kwargs):
        self.fingerprint = text_fingerprint(self.text)
        if (
            kwargs.get("update_fields") is not None
            and "text" in kwargs["update_fields"]
        ):
            kwargs["update_fields"] = {*kwargs["update_fields"], "fingerprint"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("proposal_detail", kwargs={"pk": self.pk})

    @property
    def approval_percent(self):
        """Share of approval (see `ranking.approval_share`) in percent."""
        return round(
            100
            * approval_share(self.agree_count, self.mixed_count, self.disagree_count)
        )

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    @property
    def is_rejected(self):
        return self.status == Status.REJECTED

    @property
    def is_from_workshop(self):
        return self.source == Source.WORKSHOP

    @property
    def is_withdrawn(self):
        return self.status == Status.WITHDRAWN

    @property
    def is_on_record(self):
        """See `ProposalQuerySet.on_record`."""
        return self.is_published or (self.is_withdrawn and self.vote_count > 0)

    def distribution(self):
        """The vote distribution as bar segments (see `ranking.distribution`)."""
        return distribution(self.agree_count, self.mixed_count, self.disagree_count)


class VoteQuerySet(models.QuerySet):
    def choice_counts(self):
        """{"agree": n, "mixed": n, "disagree": n} over these votes."""
        return self.order_by().aggregate(**choice_counts())

    def choice_counts_by(self, *fields):
        """One row per value of `fields`, with the votes counted by choice."""
        return self.order_by().values(*fields).annotate(**choice_counts())


class Vote(models.Model):
    """One voter's opinion on one proposal; the database holds one per pair."""

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposition"),
        on_delete=models.CASCADE,
        related_name="votes",
    )
    # Emptied when the voter deletes their account: the vote stays, anonymous, so that
    # the counters and the published results do not change behind the public's back.
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("votant"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="votes",
    )
    choice = models.CharField(_("choix"), max_length=10, choices=Choice.choices)
    # The voter's region and organisation type when they voted, for the breakdowns of
    # results: a later change of profile does not rewrite past votes.
    region = region_field(related_name="+")
    organisation_type = organisation_type_field()
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = VoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "voter"],
                name="vote_one_per_voter_and_proposal",
                violation_error_message=_("Vous avez déjà voté sur cette proposition."),
            ),
            models.CheckConstraint(
                condition=models.Q(choice__in=Choice.values), name="vote_choice_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["voter", "proposal"], name="vote_voter_proposal")
        ]

    def __str__(self):
        return f"{self.voter_id} → {self.proposal_id}: {self.choice}"


class ModerationAction(models.TextChoices):
    PUBLISHED = "published", _("Publication")
    REJECTED = "rejected", _("Refus")
    WITHDRAWN = "withdrawn", _("Retrait par l'autrice ou l'auteur")
    EDITED = "edited", _("Modification")


class ModerationEvent(models.Model):
    """A record of one moderation decision: who, when, what and why."""

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposition"),
        on_delete=models.CASCADE,
        related_name="moderation_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    action = models.CharField(
        _("décision"), max_length=10, choices=ModerationAction.choices
    )
    previous_status = models.CharField(
        _("statut précédent"), max_length=10, choices=Status.choices
    )
    reason = models.TextField(_("motif"), blank=True)
    # The text before a moderator's edit (action "edited"), so that it can be undone.
    previous_text = models.TextField(_("texte précédent"), blank=True)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("décision de modération")
        verbose_name_plural = _("décisions de modération")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=ModerationAction.values),
                name="moderation_event_action_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class TallyDimension(models.TextChoices):
    REGION = "region", _("Région")
    ORGANISATION_TYPE = "organisation_type", _("Type d'organisation")


class VoteTally(models.Model):
    """
    A proposal's votes counted for one region or one organisation type: breakdowns of
    results read these few rows instead of grouping millions of votes. `services` keeps
    them equal to the votes' snapshots (`Vote.region`, `Vote.organisation_type`).
    """

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposition"),
        on_delete=models.CASCADE,
        related_name="tallies",
    )
    dimension = models.CharField(
        _("dimension"), max_length=20, choices=TallyDimension.choices
    )
    key = models.CharField(_("groupe"), max_length=20, blank=True)  # "" when not known
    agree_count = models.PositiveIntegerField(default=0)
    mixed_count = models.PositiveIntegerField(default=0)
    disagree_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("décompte par groupe")
        verbose_name_plural = _("décomptes par groupe")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "dimension", "key"], name="vote_tally_one_per_group"
            ),
            counters_non_negative("vote_tally_non_negative"),
        ]

    def __str__(self):
        return f"{self.proposal_id} {self.dimension}={self.key}"


class Participation(models.Model):
    """An organisation that has voted or proposed in a consultation: its key figures
    count these rows rather than scanning the votes for distinct voters.

    Like its votes, a participation outlives a deleted account, anonymous (region and
    organisation type only), so that no published figure changes."""

    consultation = models.ForeignKey(
        "consultation.Consultation",
        on_delete=models.CASCADE,
        related_name="participations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="participations",
    )
    # The organisation's region and type when it first took part.
    region = region_field(related_name="+")
    organisation_type = organisation_type_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "user"],
                name="participation_once_per_consultation",
            )
        ]

    def __str__(self):
        return f"{self.user_id} @ {self.consultation_id}"


class AnswerState(models.TextChoices):
    STUDYING = "studying", _("À l’étude")
    ADOPTED = "adopted", _("Retenue")
    PARTLY = "partly", _("Retenue en partie")
    NOT_ADOPTED = "not_adopted", _("Non retenue")


class Answer(models.Model):
    """The organisers' official answer to a published proposal (one per proposal;
    `services.proposal_answer` writes it)."""

    proposal = models.OneToOneField(
        Proposal,
        verbose_name=_("proposition"),
        on_delete=models.CASCADE,
        related_name="answer",
    )
    state = models.CharField(_("réponse"), max_length=12, choices=AnswerState.choices)
    text = models.TextField(_("texte de la réponse"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("répondu le"), auto_now=True)
    # When the organisations concerned were mailed this answer (send_answer_mails).
    notified_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("réponse officielle")
        verbose_name_plural = _("réponses officielles")
        permissions = [("answer_proposal", _("Peut répondre aux propositions"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=AnswerState.values),
                name="answer_state_valid",
            )
        ]

    def __str__(self):
        return f"{self.proposal_id}: {self.get_state_display()}"
