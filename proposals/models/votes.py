"""The votes cast on proposals."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from consultation.models import organisation_type_field, region_field

from .choices import Choice, choice_counts
from .proposals import Proposal


class VoteQuerySet(models.QuerySet["Vote"]):
    def choice_counts(self) -> dict[str, int]:
        """{"agree": n, "mixed": n, "disagree": n} over these votes."""
        return self.order_by().aggregate(**choice_counts())

    def choice_counts_by(self, *fields: str) -> models.QuerySet["Vote", dict[str, Any]]:
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
