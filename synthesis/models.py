"""The synthesis of a consultation, as built by `build_synthesis`."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The files of one build, stored in the database under its folder (`Synthesis.folder`).
PDF_NAME = "synthese.pdf"
XLSX_NAME = "synthese.xlsx"


def html_name(language):
    """The stored body of the synthesis page in one language."""
    return f"synthese.{language}.html"


class Synthesis(models.Model):
    """
    The latest synthesis built for a consultation: where its files are and when it was
    built. A build writes a new folder and then points this row at it, so that readers
    always get a complete set of files (`services.synthesis_build`).
    """

    consultation = models.OneToOneField(
        "consultation.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="synthesis",
    )
    folder = models.CharField(_("dossier"), max_length=200)
    built_at = models.DateTimeField(_("établie le"))
    build_seconds = models.FloatField(_("durée de fabrication (s)"))
    proposal_count = models.PositiveIntegerField(_("propositions"))
    pdf_size = models.PositiveIntegerField(_("taille du PDF (octets)"))
    xlsx_size = models.PositiveIntegerField(_("taille du classeur (octets)"))

    class Meta:
        verbose_name = _("synthèse")
        verbose_name_plural = _("synthèses")

    def __str__(self):
        return str(self.consultation)

    def file_name(self, name):
        """The stored file's name (`consultation.storage`) of one of its files."""
        return f"{self.folder}/{name}"
