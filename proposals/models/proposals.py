"""Proposals answering guiding questions."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from consultation.models import (
    organisation_type_field,
    organisation_type_valid,
    region_field,
)
from trajectories.models import GuidingQuestion

from ..ranking import approval_share, distribution
from ..text import text_fingerprint
from .choices import Source, Status, counters_non_negative
from .workshops import Workshop

PROPOSAL_MIN_LENGTH = 15
PROPOSAL_MAX_LENGTH = 1000


class ProposalQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def in_consultation(self, consultation):
        return self.filter(question__trajectory__consultation=consultation)

    def public_in(self, consultation):
        """What the public may see of a consultation: its published proposals."""
        return self.published().in_consultation(consultation)

    def live_duplicates(self, question, text):
        """Pending or published proposals of `question` with the same text (case,
        accents and punctuation aside), the published ones first."""
        return self.filter(
            question=question,
            fingerprint=text_fingerprint(text),
            status__in=Status.LIVE,
        ).order_by("-status", "pk")

    def on_record(self):
        """Published proposals, withdrawn ones that had votes (their votes were cast,
        so they stay counted and public, out of the rankings), and merged ones that
        had votes (now counted on the proposal they were merged into)."""
        return self.filter(
            models.Q(status=Status.PUBLISHED)
            | models.Q(status=Status.WITHDRAWN, vote_count__gt=0)
            | models.Q(status=Status.MERGED, merged_vote_count__gt=0)
        )

    def on_record_in(self, consultation):
        return self.on_record().in_consultation(consultation)

    def of_region(self, region):
        """A region's proposals: those of its organisations (their region) and those
        its workshops brought (a proposal several workshops brought is each one's)."""
        brought = Workshop.proposals.through.objects.filter(workshop__region=region)
        return self.filter(
            models.Q(region=region) | models.Q(pk__in=brought.values("proposal_id"))
        )


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
    # Its published arguments, kept by `services.arguments` with F() expressions.
    argument_for_count = models.PositiveIntegerField(
        _("arguments pour"), default=0, editable=False
    )
    argument_against_count = models.PositiveIntegerField(
        _("arguments contre"), default=0, editable=False
    )
    # The organisations that carry it (its author and accepted cosigners) and their
    # regions, kept by `services.cosignatures`.
    carrier_count = models.PositiveIntegerField(
        _("organisations qui la portent"), default=1, editable=False
    )
    carrier_region_count = models.PositiveIntegerField(
        _("régions de ces organisations"), default=1, editable=False
    )
    # Set when a moderator merged it into another proposal (`services.proposal_merge`):
    # its address leads there, and its votes were moved there.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("fusionnée dans"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_proposals",
    )
    merged_vote_count = models.PositiveIntegerField(
        _("votes au moment de la fusion"), default=0, editable=False
    )
    # The lower bound of the Wilson interval of the approval share (`ranking`), stored
    # so that "best ranked" is an indexed ORDER BY; `services.vote_cast` keeps it true.
    score = models.FloatField(_("score"), default=0.0, editable=False)

    objects = ProposalQuerySet.as_manager()
    # The reader's vote, set by the views and `vote_cast` (not a column).
    my_vote: str | None

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

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fingerprint = text_fingerprint(self.text)
        if (
            kwargs.get("update_fields") is not None
            and "text" in kwargs["update_fields"]
        ):
            kwargs["update_fields"] = {*kwargs["update_fields"], "fingerprint"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
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
    def is_merged(self):
        return self.status == Status.MERGED

    @property
    def is_on_record(self):
        """See `ProposalQuerySet.on_record`."""
        return (
            self.is_published
            or (self.is_withdrawn and self.vote_count > 0)
            or (self.is_merged and self.merged_vote_count > 0)
        )

    @property
    def card_version(self):
        """
        What a proposal's card shows that may change (its text, status, vote,
        argument and cosigner counts, answer, author, region): the key of its cached
        fragments, which change with it. The answer, region and author are read as the
        list loaded them (no query).
        """
        try:
            answer = self.answer
        except ObjectDoesNotExist:
            answer = None
        author = self.author
        return ":".join(
            str(part)
            for part in (
                self.updated_at.timestamp() if self.updated_at else "",
                self.status,
                self.agree_count,
                self.mixed_count,
                self.disagree_count,
                self.argument_for_count,
                self.argument_against_count,
                self.carrier_count,
                self.carrier_region_count,
                f"{answer.state}@{answer.answered_at.timestamp()}" if answer else "",
                f"{author.organisation}:{author.organisation_verified}"
                if author
                else "",
                self.region_id or "",
            )
        )

    def distribution(self):
        """The vote distribution as bar segments (see `ranking.distribution`)."""
        return distribution(self.agree_count, self.mixed_count, self.disagree_count)
