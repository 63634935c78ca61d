from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from consultation.models import OrganisationType, regions_in_french_order
from consultation.security import password_confirmed
from trajectories.models import GuidingQuestion

from . import permissions, reports, services
from .models import (
    ARGUMENT_MAX_LENGTH,
    ARGUMENT_MIN_LENGTH,
    PROPOSAL_MAX_LENGTH,
    PROPOSAL_MIN_LENGTH,
    AnswerState,
    Choice,
    NotificationKind,
    Proposal,
    RejectionReason,
    ReportReason,
    Side,
    Source,
    Workshop,
    preferences_of,
)
from .selectors import Sort


class RejectionForm(forms.Form):
    """
    The reason that a moderator gives, and the author sees, for a rejection: one of
    the reasons kept in the admin (`RejectionReason`), free text, or both (the text
    then adds to the chosen reason).
    """

    preset = forms.ModelChoiceField(
        label=_("Motif"),
        queryset=RejectionReason.objects.filter(is_active=True),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
    )
    reason = forms.CharField(
        label=_("Motif écrit ou précisions"),
        help_text=_(
            "L'autrice ou l'auteur de la proposition lira le motif choisi suivi de ce "
            "texte."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        preset = cleaned.get("preset")
        details = (cleaned.get("reason") or "").strip()
        if not preset and not details:
            raise forms.ValidationError(
                _("Un refus doit être motivé : choisissez un motif ou écrivez-le.")
            )
        cleaned["reason"] = "\n\n".join(
            part for part in (preset.text if preset else "", details) if part
        )
        return cleaned


class AnswerForm(forms.Form):
    """The official answer a moderator gives (one or several proposals at once)."""

    state = forms.ChoiceField(label=_("Réponse"), choices=AnswerState.choices)
    text = forms.CharField(
        label=_("Texte de la réponse"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_(
            "Publié avec la proposition et envoyé aux organisations concernées."
        ),
    )


class WorkshopAdminForm(forms.ModelForm):
    """A workshop as moderators complete it; its report must be a PDF document
    (`proposals.reports`), checked before anything is stored."""

    class Meta:
        model = Workshop
        fields = [
            "consultation",
            "region",
            "date",
            "place",
            "organiser",
            "participant_count",
            "report",
        ]
        widgets = {
            "report": forms.ClearableFileInput(attrs={"accept": "application/pdf"})
        }

    def clean_report(self):
        report = self.cleaned_data.get("report")
        if isinstance(report, UploadedFile):
            reports.report_check(report)
        return report


class ProposalAdminForm(forms.ModelForm):
    """A moderator's edit of a proposal: the same rules as a submission, checked here
    so that the admin shows them next to the field (`services.proposal_edit` applies
    them again under the row lock)."""

    class Meta:
        model = Proposal
        fields = ["question", "text", "region"]

    def clean_text(self):
        text = services.text_normalised(self.cleaned_data["text"])
        if refusal := permissions.text_refusal(text):
            raise forms.ValidationError(refusal)
        return text

    def clean(self):
        cleaned_data = super().clean()
        text, question = cleaned_data.get("text"), cleaned_data.get("question")
        refusal = (
            permissions.edit_duplicate_refusal(self.instance, question, text)
            if text and question
            else None
        )
        if refusal:
            self.add_error("text", refusal)
        return cleaned_data


SEARCH_MAX_LENGTH = 100


class ProposalFilterForm(forms.Form):
    """The trajectory page's filters and order: plain GET parameters, all optional.

    Invalid values are ignored (the page still renders); `filters()` returns the valid
    ones only. Choices are plain lists, so that rendering the form runs no query.
    """

    SORT_CHOICES = [
        (Sort.RANDOM, _("Ordre aléatoire")),
        (Sort.BEST, _("Les mieux classées")),
        (Sort.RECENT, _("Les plus récentes")),
        (Sort.DEBATED, _("Les plus débattues")),
    ]

    # A longer query is searched by its first SEARCH_MAX_LENGTH characters, and the
    # page says so (`filters()["search_shortened"]`).
    q = forms.CharField(label=_("Rechercher"), required=False)
    sort = forms.ChoiceField(label=_("Trier"), choices=SORT_CHOICES, required=False)
    question = forms.TypedChoiceField(label=_("Question"), coerce=int, required=False)
    region = forms.ChoiceField(label=_("Région"), required=False)
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
    workshop = forms.TypedChoiceField(label=_("Atelier"), coerce=int, required=False)
    answer = forms.ChoiceField(
        label=_("Réponse officielle"),
        choices=[("", _("Toutes")), *AnswerState.choices],
        required=False,
    )

    def __init__(self, *args, questions, workshops=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = {question.pk: question for question in questions}
        self.fields["question"].choices = [
            ("", _("Toutes les questions")),
            *((question.pk, question.text) for question in questions),
        ]
        self.fields["region"].choices = [
            ("", _("Toutes les régions")),
            *((region.pk, region.name) for region in regions_in_french_order()),
        ]
        self.fields["workshop"].choices = [
            ("", _("Tous les ateliers")),
            *((workshop.pk, str(workshop)) for workshop in workshops),
        ]
        if not workshops:
            del self.fields["workshop"]

    def canonical_query(self, page_number):
        """The query string of these filters in its one form (known keys in order,
        valid values, defaults left out, the words searched with single spaces), or
        None for a shortened search or invalid input: the page cache keeps only
        canonical addresses (a search's for a short time, `SEARCH_PAGE_SECONDS`)."""
        if not self.is_valid() or set(self.data) - {*self.fields, "page"}:
            return None
        filters = self.filters()
        if filters["search_shortened"]:
            return None
        data = self.cleaned_data
        # The page last: the pagination's links (`{% querystring page=… %}`) add it
        # at the end of a canonical address, which they keep canonical.
        canonical = {
            "organisation_type": data.get("organisation_type"),
            "question": str(data["question"]) if filters["question"] else "",
            "region": data.get("region"),
            "sort": data.get("sort") if data.get("sort") != Sort.RANDOM else "",
            "source": data.get("source"),
            "workshop": str(data["workshop"]) if data.get("workshop") else "",
            "answer": data.get("answer"),
            "q": " ".join(filters["search"].split()),
            "page": str(page_number) if page_number > 1 else "",
        }
        return urlencode([(key, value) for key, value in canonical.items() if value])

    def filters(self):
        """The valid filters, as arguments of `selectors.proposal_trajectory_list`."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        query = (data.get("q") or "").strip()
        return {
            "sort": data.get("sort") or Sort.RANDOM,
            "search": query[:SEARCH_MAX_LENGTH].strip(),
            "search_shortened": len(query) > SEARCH_MAX_LENGTH,
            "question": self.questions.get(data.get("question")),
            "region": data.get("region") or None,
            "organisation_type": data.get("organisation_type") or None,
            "source": data.get("source") or None,
            "workshop": data.get("workshop") or None,
            "answer": data.get("answer") or None,
        }

    @staticmethod
    def active_count(filters):
        """How many of `filters` narrow the list (the order does not)."""
        return sum(
            1
            for name, value in filters.items()
            if name not in {"sort", "search_shortened"} and value
        )


class ProposalForm(forms.Form):
    """A participant's new proposal, answering one of the trajectory's questions."""

    question = forms.ModelChoiceField(
        label=_("Question à laquelle vous répondez"),
        queryset=GuidingQuestion.objects.none(),
        empty_label=None,
    )
    text = forms.CharField(
        label=_("Votre proposition"),
        min_length=PROPOSAL_MIN_LENGTH,
        max_length=PROPOSAL_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": PROPOSAL_MAX_LENGTH}),
    )

    def __init__(self, *args, trajectory, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, in the request's language, not once at import.
        self.fields["text"].help_text = _(
            "Une idée concrète, en une ou quelques phrases "
            "(%(max)s caractères au plus). "
            "Elle sera publiée après relecture par l'équipe de modération."
        ) % {"max": PROPOSAL_MAX_LENGTH}
        questions = trajectory.questions.order_by("position", "pk")
        self.fields["question"].queryset = questions
        if len(questions) == 1:
            self.fields["question"].initial = questions[0]
            self.fields["question"].widget = forms.HiddenInput()
        self.helper = FormHelper()
        self.helper.form_action = reverse(
            "consultation_proposal_create",
            kwargs={"slug": trajectory.consultation.slug, "number": trajectory.number},
        )
        self.helper.add_input(Submit("submit", _("Envoyer ma proposition")))

    similar_seen = forms.BooleanField(required=False, widget=forms.HiddenInput)


class VoteForm(forms.Form):
    """A vote as the buttons post it: a choice, or nothing to remove the vote."""

    choice = forms.ChoiceField(choices=[("", ""), *Choice.choices], required=False)
    next = forms.CharField(required=False, max_length=2000)


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe, pour confirmer"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, request, **kwargs):
        self.user, self.request = user, request
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(
            Submit(
                "submit",
                _("Supprimer définitivement mon compte"),
                css_class="btn-danger",
            )
        )

    def clean_password(self):
        # Checked (and throttled) as a login: a stolen session cannot guess it.
        if not password_confirmed(
            self.request, self.user, self.cleaned_data["password"]
        ):
            raise forms.ValidationError(_("Ce mot de passe n'est pas le bon."))
        return self.cleaned_data["password"]


class ArgumentForm(forms.Form):
    """An organisation's argument for or against a proposal."""

    side = forms.ChoiceField(
        label=_("Votre position"),
        choices=Side.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez « Pour » ou « Contre ».")},
    )
    text = forms.CharField(
        label=_("Votre argument"),
        min_length=ARGUMENT_MIN_LENGTH,
        max_length=ARGUMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Écrivez votre argument.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = _(
            "De %(min)s à %(max)s caractères, publié aussitôt au nom de votre "
            "organisation."
        ) % {"min": ARGUMENT_MIN_LENGTH, "max": ARGUMENT_MAX_LENGTH}


class ArgumentReportForm(forms.Form):
    """Why an argument is reported."""

    reason = forms.ChoiceField(
        label=_("Motif du signalement"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le motif du signalement.")},
    )


class ArgumentHideForm(forms.Form):
    """The reason a moderator gives, and the author is mailed, for hiding arguments."""

    reason = forms.CharField(
        label=_("Motif du masquage"),
        help_text=_("L'organisation autrice de l'argument reçoit ce motif par e-mail."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class CoSignatureInviteForm(forms.Form):
    """The e-mail of the account of an organisation invited to cosign."""

    email = forms.EmailField(
        label=_("Adresse e-mail du compte de l'organisation"),
        help_text=_(
            "L'organisation reçoit l'invitation si elle a un compte à cette adresse, "
            "et l'accepte ou la décline dans « Mon espace »."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("Indiquez l'adresse e-mail d'une organisation."),
            "invalid": _("Cette adresse e-mail n'est pas valide."),
        },
    )


class NotificationPreferencesForm(forms.Form):
    """What an organisation follows without asking, and which mails it receives."""

    follows_own = forms.BooleanField(
        label=_("Suivre mes propositions et celles que je cosigne"), required=False
    )
    follows_voted = forms.BooleanField(
        label=_("Suivre les propositions pour lesquelles j'ai voté"), required=False
    )
    mails = forms.MultipleChoiceField(
        label=_("Les e-mails que je reçois"),
        choices=NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        preferences = preferences_of(user)
        kwargs.setdefault(
            "initial",
            {
                "follows_own": preferences.follows_own,
                "follows_voted": preferences.follows_voted,
                "mails": [
                    kind
                    for kind in NotificationKind.values
                    if kind not in preferences.mails_off
                ],
            },
        )
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = reverse("notification_preferences")
        self.helper.add_input(Submit("submit", _("Enregistrer mes choix")))


class MergeForm(forms.Form):
    """A moderator's note on a merge, kept with it in the proposal's history."""

    reason = forms.CharField(
        label=_("Note (facultative)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Gardée dans l'historique de modération de la proposition."),
    )
