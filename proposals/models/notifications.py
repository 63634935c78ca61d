"""Following proposals and trajectories, and the mails that follow from it."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from consultation.models import AccountMailKind
from trajectories.models import Trajectory

from .proposals import Proposal


class Follow(models.Model):
    """
    An organisation's choice about one proposal or one trajectory: it follows it
    (`following`), or it stopped following a proposal that it would follow without
    asking (its own, cosigned or voted on: see `NotificationPreferences`).
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


class NotificationKind(models.TextChoices):
    """The mails an organisation may receive about proposals, each one switchable."""

    PUBLISHED = "published", _("Ma proposition est publiée")
    REJECTED = "rejected", _("Ma proposition est refusée")
    ANSWERED = "answered", _("Ma proposition reçoit une réponse officielle")
    MERGED = "merged", _("Ma proposition est fusionnée avec une autre")
    COSIGNED = "cosigned", _("Une organisation cosigne ma proposition")
    FOLLOWED_ANSWERED = (
        "followed_answered",
        _("Une proposition que je suis reçoit une réponse officielle"),
    )
    FOLLOWED_MERGED = "followed_merged", _("Une proposition que je suis est fusionnée")
    DIGEST = (
        "digest",
        _("Chaque semaine, les nouvelles propositions des trajectoires que je suis"),
    )


class NotificationPreferences(models.Model):
    """
    What an organisation follows without asking, and the `NotificationKind` mails it
    turned off (« Mon espace », or one click in any such mail). An account without a
    row has the defaults: it follows its own, cosigned and voted proposals, and
    receives every mail (`preferences_of`).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preferences",
    )
    follows_own = models.BooleanField(
        _("suit ses propositions et celles qu'elle cosigne"), default=True
    )
    follows_voted = models.BooleanField(
        _("suit les propositions pour lesquelles elle a voté"), default=True
    )
    mails_off = models.JSONField(_("e-mails désactivés"), default=list, blank=True)

    class Meta:
        verbose_name = _("préférences de suivi")
        verbose_name_plural = _("préférences de suivi")

    def __str__(self):
        return str(self.user_id)

    def wants(self, kind: str) -> bool:
        """Whether the account receives the mail `kind`: an `AccountMailKind` always,
        a `NotificationKind` unless turned off."""
        return kind in AccountMailKind.values or kind not in self.mails_off


def preferences_of(user: Any) -> NotificationPreferences:
    """`user`'s `NotificationPreferences`: its row (read once, or with the user by
    `select_related("notification_preferences")`), or the defaults when it has none."""
    try:
        return user.notification_preferences
    except NotificationPreferences.DoesNotExist:
        return NotificationPreferences(user=user)


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
