"""Organisations that carry a proposal with its author."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from consultation.models import organisation_type_field, region_field

from .proposals import Proposal

# Cosigners of one proposal, its author aside (accepted and invited together).
COSIGNERS_MAX = 20


class CoSignatureStatus(models.TextChoices):
    INVITED = "invited", _("Invitée")
    ACCEPTED = "accepted", _("Cosignataire")
    DECLINED = "declined", _("Invitation déclinée")
    WITHDRAWN = "withdrawn", _("Invitation retirée")
    LEFT = "left", _("Ne cosigne plus")


# The statuses that hold a place among the COSIGNERS_MAX.
ACTIVE_STATUSES = (CoSignatureStatus.INVITED, CoSignatureStatus.ACCEPTED)


class CoSignature(models.Model):
    """
    An invitation to cosign a proposal, by the e-mail of an organisation's account,
    and its answer. Invitations are kept by address, whether or not an account has it
    (the author learns nothing about who has an account); the account that has or
    later gets that address answers in « Mon espace ». An accepted cosignature keeps
    the organisation's name, type and region as they were, so that what the proposal
    says of its supporters stays after the account's deletion.
    """

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposition"),
        on_delete=models.CASCADE,
        related_name="cosignatures",
    )
    email = models.EmailField(_("adresse invitée"))
    cosigner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organisation cosignataire"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cosignatures",
    )
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=CoSignatureStatus.choices,
        default=CoSignatureStatus.INVITED,
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    organisation_type = organisation_type_field()
    region = region_field(related_name="+")
    invited_at = models.DateTimeField(_("invitée le"), auto_now_add=True)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("cosignature")
        verbose_name_plural = _("cosignatures")
        ordering = ["invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "email"],
                condition=models.Q(status__in=["invited", "accepted"]),
                name="cosignature_one_active_per_address",
                violation_error_message=_("Cette adresse est déjà invitée."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CoSignatureStatus.values),
                name="cosignature_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.proposal_id} · {self.organisation or self.email}"
