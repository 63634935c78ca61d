"""The organisers' official answers to proposals."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .proposals import Proposal

ANSWER_MAX_LENGTH = 5000


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
    # The author's scope when answering (`ModerationEvent.scope`).
    scope = models.CharField(_("périmètre"), max_length=500, blank=True)

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
