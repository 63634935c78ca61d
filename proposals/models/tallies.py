"""What results count instead of the vote rows: tallies per group, participations."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from consultation.models import organisation_type_field, region_field

from .choices import counters_non_negative
from .proposals import Proposal


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
