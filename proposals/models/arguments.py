"""Arguments for and against proposals, and the reports that send one to moderation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from consultation.models import organisation_type_field, region_field

from .proposals import Proposal

ARGUMENT_MIN_LENGTH = 15
ARGUMENT_MAX_LENGTH = 500


class Side(models.TextChoices):
    FOR = "for", _("Pour")
    AGAINST = "against", _("Contre")


class ArgumentStatus(models.TextChoices):
    PUBLISHED = "published", _("Publié")
    HIDDEN = "hidden", _("Masqué par la modération")


class ReportReason(models.TextChoices):
    ABUSE = "abuse", _("Propos injurieux, haineux ou discriminatoires")
    OFF_TOPIC = "off_topic", _("Hors sujet")
    MISLEADING = "misleading", _("Information fausse ou trompeuse")
    PERSONAL_DATA = "personal_data", _("Données personnelles")
    SPAM = "spam", _("Publicité ou message répété")


class ArgumentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ArgumentStatus.PUBLISHED)

    def to_review(self):
        """Published arguments reported since a moderator last looked at them."""
        return (
            self.published()
            .filter(
                models.Q(reviewed_at__isnull=True, reports__isnull=False)
                | models.Q(reports__created_at__gt=models.F("reviewed_at"))
            )
            .distinct()
        )


class Argument(models.Model):
    """
    Why an organisation is for or against a proposal: one short argument per
    organisation and proposal, published at once (post-moderation). The organisation's
    name, type and region are kept as they were, so that the argument reads the same
    after a change of profile or the account's deletion.
    """

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposition"),
        on_delete=models.CASCADE,
        related_name="arguments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="arguments",
    )
    side = models.CharField(_("position"), max_length=10, choices=Side.choices)
    text = models.TextField(_("argument"), max_length=ARGUMENT_MAX_LENGTH)
    organisation = models.CharField(_("organisation"), max_length=200)
    organisation_type = organisation_type_field()
    region = region_field(related_name="+")
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=ArgumentStatus.choices,
        default=ArgumentStatus.PUBLISHED,
    )
    hidden_reason = models.TextField(_("motif du masquage"), blank=True)
    # When a moderator last looked at its reports (kept or hidden).
    reviewed_at = models.DateTimeField(_("examiné le"), null=True, blank=True)
    # Who looked at them last, and within which scope (`ModerationEvent.scope`).
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("examiné par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_scope = models.CharField(_("périmètre"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("publié le"), auto_now_add=True)

    objects = ArgumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("argument")
        verbose_name_plural = _("arguments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "author"],
                name="argument_one_per_organisation_and_proposal",
                violation_error_message=_(
                    "Votre organisation a déjà donné un argument sur cette proposition."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(side__in=Side.values), name="argument_side_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ArgumentStatus.values),
                name="argument_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ArgumentStatus.HIDDEN)
                | ~models.Q(hidden_reason=""),
                name="argument_hiding_has_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["proposal", "status", "-created_at"],
                name="argument_proposal_list",
            )
        ]

    def __str__(self):
        return f"{self.get_side_display()} · {self.text[:60]}"

    @property
    def is_published(self):
        return self.status == ArgumentStatus.PUBLISHED


class ArgumentReport(models.Model):
    """One account's report of an argument (one per account and argument)."""

    argument = models.ForeignKey(
        Argument,
        verbose_name=_("argument"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signalé par"),
        on_delete=models.CASCADE,
        related_name="argument_reports",
    )
    reason = models.CharField(_("motif"), max_length=20, choices=ReportReason.choices)
    created_at = models.DateTimeField(_("signalé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        constraints = [
            models.UniqueConstraint(
                fields=["argument", "reporter"], name="argument_report_once_per_account"
            ),
            models.CheckConstraint(
                condition=models.Q(reason__in=ReportReason.values),
                name="argument_report_reason_valid",
            ),
        ]

    def __str__(self):
        return f"{self.argument_id}: {self.get_reason_display()}"
