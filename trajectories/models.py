"""The consultation's hierarchy: themes, numbered trajectories and guiding questions."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from consultation.models import Consultation

# The number of theme colours in the design system (static/css/site.css).
THEME_TONES = 6


def title_advice(title):
    """Why a title needs rewriting, or None: a workshop document often writes titles in
    capitals, without accents (« UNE ECONOMIE INNOVANTE ET RESILIENTE »). The import
    keeps the document's text; the admin shows this so that a moderator rewrites it."""
    letters = [char for char in title if char.isalpha()]
    if len(letters) < 8 or any(char.islower() for char in letters):
        return None
    if any(not char.isascii() for char in letters):
        return _(
            "Ce titre est écrit en capitales : réécrivez-le comme une phrase, "
            "avec une majuscule au début seulement."
        )
    return _(
        "Ce titre est écrit en capitales sans accents, comme le document de l’atelier "
        "l’écrivait : réécrivez-le comme une phrase, accents compris (« Une économie "
        "innovante et résiliente »)."
    )


class Theme(models.Model):
    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="themes",
    )
    title = models.CharField(_("titre"), max_length=300)
    position = models.PositiveSmallIntegerField(
        _("position"),
        default=0,
        help_text=_("Les thèmes sont affichés par position croissante."),
    )

    class Meta:
        ordering = ["consultation", "position", "pk"]
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "title"],
                name="theme_title_unique_in_consultation",
                violation_error_message=_(
                    "Cette consultation a déjà un thème de ce titre."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        # The address of its own consultation: ids are global, and /themes/<id>/
        # moves there when the consultation is no longer the current one.
        return reverse(
            "consultation_theme", kwargs={"slug": self.consultation.slug, "pk": self.pk}
        )

    @property
    def tone(self):
        """The theme's colour, 1 to `THEME_TONES` by position (CSS `theme-tone-N`)."""
        return (self.position - 1) % THEME_TONES + 1


class Trajectory(models.Model):
    # Copied from the theme so that the database can hold "one number per consultation".
    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="trajectories",
        editable=False,
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("thème"),
        on_delete=models.CASCADE,
        related_name="trajectories",
    )
    number = models.PositiveSmallIntegerField(
        _("numéro"), help_text=_("Unique dans la consultation.")
    )
    title = models.CharField(_("titre"), max_length=500)

    class Meta:
        ordering = ["consultation", "number"]
        verbose_name = _("trajectoire")
        verbose_name_plural = _("trajectoires")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"],
                name="trajectory_number_unique_in_consultation",
                violation_error_message=_(
                    "Cette consultation a déjà une trajectoire de ce numéro."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="trajectory_number_positive"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.consultation_id = self.theme.consultation_id
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        # Numbers are unique in a consultation only: the address names it.
        return reverse(
            "consultation_trajectory",
            kwargs={"slug": self.consultation.slug, "number": self.number},
        )

    def clean(self):
        # The consultation is not a form field, so model validation cannot check the
        # unique constraint by itself: check it here, against the theme's consultation.
        super().clean()
        theme = getattr(self, "theme", None)  # may be unsaved, in an admin inline
        if theme is None or self.number is None:
            return
        clash = Trajectory.objects.filter(
            consultation_id=theme.consultation_id, number=self.number
        )
        if self.pk is not None:
            clash = clash.exclude(pk=self.pk)
        if clash.exists():
            raise ValidationError(
                {"number": _("Cette consultation a déjà une trajectoire de ce numéro.")}
            )


class GuidingQuestion(models.Model):
    trajectory = models.ForeignKey(
        Trajectory,
        verbose_name=_("trajectoire"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    text = models.TextField(_("question"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["trajectory", "position", "pk"]
        verbose_name = _("question directrice")
        verbose_name_plural = _("questions directrices")
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "text"],
                name="question_text_unique_in_trajectory",
                violation_error_message=_(
                    "Cette trajectoire pose déjà cette question."
                ),
            ),
        ]

    def __str__(self):
        return self.text
