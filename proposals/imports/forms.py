"""The two steps of the admin's import: upload and preview, then confirm."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consultation.models import Consultation, Region

from .parser import DOCUMENT_MAX_BYTES, WorkshopSyntaxError, decode_document


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
        # One byte more than allowed is enough to know that it is too big.
        data = upload.read(DOCUMENT_MAX_BYTES + 1)
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
