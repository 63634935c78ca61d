"""How often each proposal was shown in a list in the random order."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .proposals import Proposal


class Exposure(models.Model):
    """A proposal's exposures: how many pages of its trajectory in the random order
    showed it. Aggregated counts only (no record of who saw what), added in batches by
    `manage.py flush_exposures` from the counts kept in the cache."""

    proposal = models.OneToOneField(
        Proposal,
        verbose_name=_("proposition"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="exposure",
    )
    count = models.PositiveBigIntegerField(_("expositions"), default=0)

    class Meta:
        verbose_name = _("exposition")
        verbose_name_plural = _("expositions")

    def __str__(self):
        return f"{self.proposal_id}: {self.count}"
