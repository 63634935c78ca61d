"""The regional workshops where the first proposals come from."""

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consultation.models import region_field

from ..reports import report_path


class Workshop(models.Model):
    """
    A regional workshop (« atelier ») of a consultation: where its first proposals
    come from. `import_workshop` attaches the proposals it imports to their workshop;
    the same text imported from two workshops is one proposal with both.
    """

    consultation = models.ForeignKey(
        "consultation.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="workshops",
    )
    region = region_field(related_name="workshops")
    date = models.DateField(_("date"))
    place = models.CharField(_("lieu"), max_length=200)
    organiser = models.CharField(_("organisé par"), max_length=200, blank=True)
    participant_count = models.PositiveIntegerField(
        _("nombre de participants"), null=True, blank=True
    )
    # A PDF document (`proposals.reports`), stored under a generated name.
    report = models.FileField(
        _("compte rendu"),
        upload_to=report_path,
        blank=True,
        max_length=200,
        help_text=_("Un document PDF de 20 Mo au plus."),
    )

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("atelier")
        verbose_name_plural = _("ateliers")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "region", "date", "place"],
                name="workshop_once",
                violation_error_message=_("Cet atelier existe déjà."),
            )
        ]

    def __str__(self):
        """« Atelier Bretagne, 12 mars 2024, Rennes, 34 participants »."""
        region = self.region.name if self.region_id else _("national")
        described = _("Atelier %(region)s, %(date)s, %(place)s") % {
            "region": region,
            "date": date_format(self.date, "j F Y"),
            "place": self.place,
        }
        if self.participant_count:
            described += ngettext(
                ", %(count)s participant",
                ", %(count)s participants",
                self.participant_count,
            ) % {"count": self.participant_count}
        return described
