from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    UserChangeForm,
)
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import OrganisationType, Region, User, regions_in_french_order
from .registers import Identity, names_differ, organisation_identity
from .security import password_confirmed
from .text import visible_text


class NormalisedEmailField(forms.EmailField):
    """An address read in its one form (`UserManager.normalize_email`) before it is
    validated: look-alike characters cannot slip past the uniqueness check."""

    def to_python(self, value):
        return User.objects.normalize_email(super().to_python(value))


class UserCreationAdminForm(AdminUserCreationForm):
    """The admin's "add user" form, with the email as login."""

    class Meta:
        model = User
        fields = ("email",)
        field_classes = {"email": NormalisedEmailField}


def legal_identifier_clean(value, *, account=None, organisation_type=""):
    """The `registers.Identity` of a typed SIREN, SIRET or RNA number, or a
    ValidationError: invalid, refused by an imported register, or the organisation of
    another account (one organisation, one voice)."""
    identity = organisation_identity(value, organisation_type)
    taken = User.objects.filter(organisation_key=identity.key)
    if account is not None and account.pk:
        taken = taken.exclude(pk=account.pk)
    if taken.exists():
        raise forms.ValidationError(
            _(
                "Cette organisation (%(key)s) a déjà un compte : une organisation "
                "n'a qu'une voix. Contactez l'équipe de la consultation si "
                "personne chez vous ne l'a créé."
            ),
            params={"key": identity.key},
        )
    return identity


class UserChangeAdminForm(UserChangeForm):
    """The admin's account form: the identifier is checked and keyed as at sign-up."""

    # Typed with its spaces, as on the sign-up form; stored compact.
    legal_identifier = forms.CharField(
        label=_("SIREN, SIRET ou RNA"), required=False, max_length=20
    )

    class Meta:
        model = User
        fields = "__all__"

    def clean_legal_identifier(self):
        value = self.cleaned_data["legal_identifier"].strip()
        identity = (
            legal_identifier_clean(
                value,
                account=self.instance,
                organisation_type=self.cleaned_data.get("organisation_type", ""),
            )
            if value
            else Identity("", "")
        )
        self.instance.organisation_key = identity.key
        self.instance.registered_name = identity.registered_name
        return identity.identifier

    def clean(self):
        cleaned_data = super().clean()
        self.instance.registered_name_differs = names_differ(
            cleaned_data.get("organisation", ""), self.instance.registered_name
        )
        return cleaned_data


def _helper(submit_label):
    helper = FormHelper()
    helper.add_input(Submit("submit", submit_label))
    return helper


class OrganisationFieldsMixin(forms.Form):
    """The organisation an account speaks for, as sign-up and profile ask for it."""

    organisation = forms.CharField(
        label=_("Nom de l'organisation"),
        max_length=200,
        help_text=_("Il apparaîtra à côté de vos propositions."),
    )
    organisation_type = forms.ChoiceField(
        label=_("Type d'organisation"),
        choices=[("", "—"), *OrganisationType.choices],
    )
    region = forms.ModelChoiceField(
        label=_("Région"), queryset=Region.objects.order_by("name"), empty_label="—"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [
            ("", "—"),
            *((region.pk, region.name) for region in regions_in_french_order()),
        ]

    legal_identifier = forms.CharField(
        label=_("SIREN, SIRET ou numéro RNA (facultatif)"),
        required=False,
        max_length=20,
        help_text=_(
            "Une organisation n'a qu'un compte : ce numéro permet de le garantir et de "
            "vérifier l'organisation."
        ),
    )

    def clean_organisation(self):
        organisation = visible_text(self.cleaned_data["organisation"])
        if not organisation:
            raise forms.ValidationError(_("Indiquez le nom de l'organisation."))
        return organisation

    def clean_legal_identifier(self):
        value = self.cleaned_data["legal_identifier"].strip()
        if not value:
            return ""
        identity = legal_identifier_clean(
            value,
            account=getattr(self, "account", None),
            organisation_type=self.cleaned_data.get("organisation_type", ""),
        )
        return identity.identifier


class SignupForm(OrganisationFieldsMixin, forms.Form):
    email = NormalisedEmailField(label=_("Adresse e-mail"), max_length=254)
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=lazy(password_validation.password_validators_help_text_html, str)(),
    )
    password2 = forms.CharField(
        label=_("Mot de passe (confirmation)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    accept_terms = forms.BooleanField(
        label=_(
            "J'accepte les conditions de participation et le traitement de mes données"
        ),
        help_text=lazy(
            lambda: format_html(
                '<a href="{}">{}</a>',
                reverse_lazy("site_page", args=["donnees-personnelles"]),
                _("Lire la politique de données personnelles"),
            ),
            str,
        )(),
        error_messages={
            "required": _("Vous devez accepter les conditions pour participer.")
        },
    )

    field_order = [
        "email",
        "password1",
        "password2",
        "organisation",
        "organisation_type",
        "region",
        "legal_identifier",
        "accept_terms",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.helper = _helper(_("Créer mon compte"))

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(
                _("Un compte existe déjà avec cette adresse : connectez-vous.")
            )
        return email

    def clean(self):
        cleaned_data = super().clean()
        password1, password2 = (
            cleaned_data.get("password1"),
            cleaned_data.get("password2"),
        )
        if password1 and password2 and password1 != password2:
            self.add_error(
                "password2", _("Les deux mots de passe ne correspondent pas.")
            )
        elif password1:
            candidate = User(
                email=cleaned_data.get("email", ""),
                organisation=cleaned_data.get("organisation", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned_data


class ProfileForm(OrganisationFieldsMixin, forms.Form):
    language = forms.ChoiceField(
        label=_("Langue des e-mails"),
        choices=settings.LANGUAGES,
        help_text=_("Les e-mails du site vous sont écrits dans cette langue."),
        required=False,  # unchanged when absent
    )

    def __init__(self, *args, account, **kwargs):
        self.account = account
        kwargs.setdefault(
            "initial",
            {
                "organisation": account.organisation,
                "organisation_type": account.organisation_type,
                "region": account.region_id,
                "legal_identifier": account.legal_identifier,
                "language": account.language,
            },
        )
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Enregistrer"))


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        # Django's says « un adresse e-mail » in French, and that both fields are
        # case-sensitive: addresses are folded to lower case.
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect. Le mot de passe distingue les "
            "majuscules des minuscules, l’adresse non."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Adresse e-mail")
        self.helper = _helper(_("Se connecter"))

    def clean_username(self):
        return User.objects.normalize_email(self.cleaned_data.get("username"))


class StyledPasswordResetForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Recevoir le lien"))


class StyledSetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Enregistrer le mot de passe"))


class StyledPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Changer le mot de passe"))

    def clean_old_password(self):
        """The current password, checked (and throttled) as a login."""
        old_password = self.cleaned_data["old_password"]
        if not password_confirmed(self.request, self.user, old_password):
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password
