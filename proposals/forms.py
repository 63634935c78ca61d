from django import forms
from django.utils.translation import gettext_lazy as _

from consultation.models import Consultation, OrganisationType, Region
from trajectories.models import GuidingQuestion

from .models import Source
from .selectors import Sort
from .workshop import WorkshopSyntaxError, decode_document

WORKSHOP_DOCUMENT_MAX_BYTES = 2 * 1024 * 1024


class RejectionForm(forms.Form):
    """The reason that a moderator gives, and the author sees, for a rejection."""

    reason = forms.CharField(
        label=_("Motif du refus"),
        help_text=_("L'auteur de la proposition verra ce motif."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Un refus doit être motivé."))
        return reason


class WorkshopUploadForm(forms.Form):
    """Step one of the admin import: the document and where its content goes."""

    document = forms.FileField(
        label=_("Document d'atelier"),
        help_text=_(
            "Le texte extrait du PDF de l'atelier, en fichier texte UTF-8 (.txt)."
        ),
    )
    consultation = forms.ModelChoiceField(
        label=_("Consultation"),
        queryset=Consultation.objects.all(),
        required=False,
        empty_label=_("La consultation en cours"),
    )
    region = forms.ModelChoiceField(
        label=_("Région de l'atelier"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("Aucune (atelier national)"),
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > WORKSHOP_DOCUMENT_MAX_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 2 Mo."))
        data = upload.read()
        try:
            return decode_document(data)
        except WorkshopSyntaxError as error:
            raise forms.ValidationError(
                _("Ligne %(line)s : %(reason)s"),
                params={"line": error.line, "reason": error.reason},
            ) from None


class WorkshopConfirmForm(forms.Form):
    """Step two: the previewed document, sent back to be imported for real."""

    text = forms.CharField(widget=forms.HiddenInput, strip=False)
    consultation = forms.ModelChoiceField(
        queryset=Consultation.objects.all(), required=False, widget=forms.HiddenInput
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(), required=False, widget=forms.HiddenInput
    )


class ProposalFilterForm(forms.Form):
    """The trajectory page's filters and order: plain GET parameters, all optional.

    Invalid values are ignored (the page still renders); `filters()` returns the valid
    ones only.
    """

    SORT_CHOICES = [
        (Sort.RANDOM, _("Ordre aléatoire")),
        (Sort.BEST, _("Les mieux classées")),
        (Sort.RECENT, _("Les plus récentes")),
        (Sort.DEBATED, _("Les plus débattues")),
    ]

    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
    sort = forms.ChoiceField(label=_("Trier"), choices=SORT_CHOICES, required=False)
    question = forms.ModelChoiceField(
        label=_("Question"), queryset=GuidingQuestion.objects.none(), required=False
    )
    region = forms.ModelChoiceField(
        label=_("Région"),
        queryset=Region.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Toutes les régions"),
    )
    organisation_type = forms.ChoiceField(
        label=_("Type d'organisation"),
        choices=[("", _("Tous les types")), *OrganisationType.choices],
        required=False,
    )
    source = forms.ChoiceField(
        label=_("Origine"),
        choices=[("", _("Toutes les origines")), *Source.choices],
        required=False,
    )

    def __init__(self, *args, trajectory, **kwargs):
        super().__init__(*args, **kwargs)
        questions = trajectory.questions.order_by("position", "pk")
        self.fields["question"].queryset = questions
        self.fields["question"].empty_label = _("Toutes les questions")

    def filters(self):
        """The valid filters, as arguments of `selectors.proposal_trajectory_list`."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "sort": data.get("sort") or Sort.RANDOM,
            "search": (data.get("q") or "").strip(),
            "question": data.get("question"),
            "region": data.get("region"),
            "organisation_type": data.get("organisation_type") or None,
            "source": data.get("source") or None,
        }
