"""Following proposals and trajectories, and the mails that follow from it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from consultation.models import AccountMailKind, NotificationKind
from trajectories.models import Trajectory

from .proposals import Proposal


class Follow(models.Model):
    """
    An organisation's choice about one proposal or one trajectory: it follows it
    (`following`), or it stopped following a proposal that it would follow without
    asking (its own, cosigned or voted on: see `User.follows_own`, `follows_voted`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposition"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
    )
    trajectory = models.ForeignKey(
        Trajectory,
        verbose_name=_("trajectoire"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
    )
    following = models.BooleanField(_("suivie"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("suivi")
        verbose_name_plural = _("suivis")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(proposal__isnull=True, trajectory__isnull=False)
                | models.Q(proposal__isnull=False, trajectory__isnull=True),
                name="follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "proposal"],
                condition=models.Q(proposal__isnull=False),
                name="follow_once_per_proposal",
            ),
            models.UniqueConstraint(
                fields=["user", "trajectory"],
                condition=models.Q(trajectory__isnull=False),
                name="follow_once_per_trajectory",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} → {self.proposal_id or self.trajectory_id}"


# What a notification may be: a mail about proposals, or one about the account itself.
NOTIFICATION_KINDS = NotificationKind.choices + AccountMailKind.choices


class NotificationState(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    SENT = "sent", _("Envoyée")
    SKIPPED = "skipped", _("Non envoyée (désactivée par l'organisation)")
    FAILED = "failed", _("Abandonnée après plusieurs échecs")


class Notification(models.Model):
    """
    One thing to tell one organisation by mail, written in the transaction that
    decided it and sent by `send_notifications`. `key` names the event for this
    organisation: writing the same event twice keeps one row, and a row is sent once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("type"), max_length=20, choices=NOTIFICATION_KINDS)
    key = models.CharField(max_length=120, unique=True)
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposition"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # What the mail says beyond the proposal: the proposal merged into, the digest's
    # proposal ids, the cosigning organisation.
    data = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        _("état"),
        max_length=10,
        choices=NotificationState.choices,
        default=NotificationState.PENDING,
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    # A run takes a batch by setting `claimed_at`; a claim older than
    # NOTIFICATION_CLAIM_MINUTES is a run that died, and is taken again.
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[kind for kind, _ in NOTIFICATION_KINDS]),
                name="notification_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=NotificationState.values),
                name="notification_state_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notification_due"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.user_id}"
