"""The record of moderation decisions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Status
from .proposals import Proposal


class ModerationAction(models.TextChoices):
    PUBLISHED = "published", _("Publication")
    REJECTED = "rejected", _("Refus")
    WITHDRAWN = "withdrawn", _("Retrait par l'autrice ou l'auteur")
    EDITED = "edited", _("Modification")
    MERGED = "merged", _("Fusion")


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
    # A merge (action "merged"): the proposal it went into, and what it moved, so that
    # it can be undone by hand: {"moved_votes": [vote ids], "dropped_votes": [{voter,
    # choice, region, organisation_type}], "moved_arguments": [ids], "counts": …}.
    merged_into = models.ForeignKey(
        Proposal,
        verbose_name=_("fusionnée dans"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    details = models.JSONField(_("détail"), default=dict, blank=True)
    # The actor's scope when deciding, in words (`consultation.scopes.Scope.label`):
    # « national », or the regions and consultations a scoped moderator acted within.
    scope = models.CharField(_("périmètre"), max_length=500, blank=True)
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


class RejectionReason(models.Model):
    """A reason for a rejection that moderators pick from a list (kept in the admin)
    instead of writing it each time; its text is what the author reads."""

    label = models.CharField(_("intitulé"), max_length=120, unique=True)
    text = models.TextField(
        _("texte"),
        max_length=2000,
        help_text=_("Ce que l'autrice ou l'auteur de la proposition lira."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(
        _("proposé"),
        default=True,
        help_text=_(
            "Décochez pour le retirer de la liste sans toucher aux refus passés."
        ),
    )

    class Meta:
        ordering = ["position", "label"]
        verbose_name = _("motif de refus")
        verbose_name_plural = _("motifs de refus")

    def __str__(self):
        return self.label
