"""The two steps of the admin's import: upload and preview, then confirm."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consultation.models import Consultation, Region

from .parser import DOCUMENT_MAX_BYTES, WorkshopSyntaxError, decode_document


class WorkshopRecordFields(forms.Form):
    """The workshop the document comes from, if it is to be recorded: its date and
    place (both, or neither), organiser and number of participants."""

    workshop_date = forms.DateField(
        label=_("Date de l'atelier"),
        required=False,
        help_text=_("Avec le lieu, les propositions sont rattachées à cet atelier."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    place = forms.CharField(label=_("Lieu"), required=False, max_length=200)
    organiser = forms.CharField(label=_("Organisé par"), required=False, max_length=200)
    participants = forms.IntegerField(
        label=_("Nombre de participants"), required=False, min_value=1
    )

    def clean(self):
        cleaned_data = super().clean()
        if bool(cleaned_data.get("workshop_date")) != bool(cleaned_data.get("place")):
            raise forms.ValidationError(
                _("Indiquez la date et le lieu de l'atelier, ou ni l'un ni l'autre.")
            )
        return cleaned_data

    def workshop(self):
        """The record's fields, as `service.workshop_import` takes them, or None."""
        data = self.cleaned_data
        if not data.get("workshop_date"):
            return None
        return {
            "date": data["workshop_date"],
            "place": data["place"],
            "organiser": data.get("organiser") or "",
            "participant_count": data.get("participants"),
        }


class WorkshopUploadForm(WorkshopRecordFields):
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


class WorkshopConfirmForm(WorkshopRecordFields):
    """Step two: the previewed document, sent back to be imported for real."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in WorkshopRecordFields.base_fields:
            self.fields[name].widget = forms.HiddenInput()

    text = forms.CharField(widget=forms.HiddenInput, strip=False)
    consultation = forms.ModelChoiceField(
        queryset=Consultation.objects.all(), required=False, widget=forms.HiddenInput
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(), required=False, widget=forms.HiddenInput
    )


class AnswersUploadForm(forms.Form):
    """A CSV file of official answers: `id,state,answer`, UTF-8, with its header."""

    document = forms.FileField(
        label=_("Fichier de réponses (CSV)"),
        help_text=_(
            "Colonnes id, state, answer ; états : studying, adopted, partly, "
            "not_adopted."
        ),
    )

    def clean_document(self):
        data = self.cleaned_data["document"].read(DOCUMENT_MAX_BYTES + 1)
        if len(data) > DOCUMENT_MAX_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 2 Mo."))
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("Le fichier n'est pas du texte UTF-8.")
            ) from None


class AnswersConfirmForm(forms.Form):
    """The previewed answers, sent back to be imported for real."""

    text = forms.CharField(widget=forms.HiddenInput, strip=False)
