"""The syntheses of a consultation, as built by `build_synthesis`: the national one and
one per region."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The files of one build, stored in the database under its folder (`folder`).
PDF_NAME = "synthese.pdf"
XLSX_NAME = "synthese.xlsx"


def html_name(language):
    """The stored body of the synthesis page in one language."""
    return f"synthese.{language}.html"


class BuiltSynthesis(models.Model):
    """
    Where the files of a synthesis's latest build are and when it was built. A build
    writes a new folder and then points its row at it, so that readers always get a
    complete set of files (`services.publish`).
    """

    folder = models.CharField(_("dossier"), max_length=200)
    built_at = models.DateTimeField(_("établie le"))
    build_seconds = models.FloatField(_("durée de fabrication (s)"))
    proposal_count = models.PositiveIntegerField(_("propositions"))
    pdf_size = models.PositiveIntegerField(_("taille du PDF (octets)"))
    xlsx_size = models.PositiveIntegerField(_("taille du classeur (octets)"))

    class Meta:
        abstract = True

    def file_name(self, name):
        """The stored file's name (`consultation.storage`) of one of its files."""
        return f"{self.folder}/{name}"


class Synthesis(BuiltSynthesis):
    """The latest national synthesis built for a consultation."""

    consultation = models.OneToOneField(
        "consultation.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="synthesis",
    )

    class Meta:
        verbose_name = _("synthèse")
        verbose_name_plural = _("synthèses")

    def __str__(self):
        return str(self.consultation)


class RegionalSynthesis(BuiltSynthesis):
    """The latest synthesis of one region's part of a consultation, compared with the
    country (`regional.regional_contents`)."""

    consultation = models.ForeignKey(
        "consultation.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="regional_syntheses",
    )
    region = models.ForeignKey(
        "consultation.Region",
        verbose_name=_("région"),
        on_delete=models.PROTECT,
        related_name="syntheses",
    )

    class Meta:
        verbose_name = _("synthèse régionale")
        verbose_name_plural = _("synthèses régionales")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "region"], name="one_synthesis_per_region"
            )
        ]

    def __str__(self):
        return f"{self.consultation} — {self.region}"
