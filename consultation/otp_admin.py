"""
The second factor's admin (django-otp), in French like the rest of the admin.

django-otp writes its admin's labels in English, outside gettext: its models are shown
here through French proxies (`AuthenticatorApp`, `BackupCodes`), with French field
labels, help texts, sections and columns; the library's own registrations are removed.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import AuthenticatorApp, BackupCodes

LABELS = {
    "user": _("compte"),
    "name": _("nom"),
    "confirmed": _("confirmé"),
    "created_at": _("créé le"),
    "last_used_at": _("dernière utilisation"),
    "key": _("clé secrète"),
    "step": _("durée d'un code (secondes)"),
    "t0": _("origine du temps (Unix)"),
    "digits": _("nombre de chiffres"),
    "tolerance": _("tolérance (pas de temps)"),
    "drift": _("décalage d'horloge (pas de temps)"),
    "throttling_failure_timestamp": _("dernier échec"),
    "throttling_failure_count": _("échecs successifs"),
    "token": _("code"),
}
HELP_TEXTS = {
    "user": _("Le compte qui se connecte avec ce second facteur."),
    "name": _("Un nom pour le reconnaître (« téléphone de Camille »)."),
    "confirmed": _("Décoché, il ne sert pas encore à se connecter."),
    "key": _("Clé secrète en hexadécimal (40 octets au plus), à garder secrète."),
    "step": _("Un nouveau code toutes les N secondes (30 d'habitude)."),
    "t0": _("L'instant à partir duquel les pas de temps sont comptés (0 d'habitude)."),
    "digits": _("La longueur des codes que l'application affiche."),
    "tolerance": _("Combien de pas de temps d'avance ou de retard sont acceptés."),
    "drift": _("L'écart mesuré entre l'horloge de l'application et celle du serveur."),
    "throttling_failure_timestamp": _(
        "Le moment du dernier code erroné ; vide si le dernier code était bon."
    ),
    "throttling_failure_count": _("Après plusieurs échecs, les essais sont ralentis."),
}
SECTIONS = {
    "Identity": _("Identité"),
    "Timestamps": _("Dates"),
    "Configuration": _("Réglages"),
    "State": _("État"),
    "Throttling": _("Limitation des essais"),
}


def french_form(model, fields):
    """A model form whose labels and help texts are the French ones above."""
    meta = type(
        "Meta",
        (),
        {
            "model": model,
            "fields": "__all__",
            "labels": {name: LABELS[name] for name in fields if name in LABELS},
            "help_texts": {
                name: HELP_TEXTS[name] for name in fields if name in HELP_TEXTS
            },
        },
    )
    return type(f"{model.__name__}FrenchForm", (forms.ModelForm,), {"Meta": meta})


# The dates are read-only: shown through the French columns below.
READ_ONLY = {"created_at": "created_column", "last_used_at": "used_column"}


def french_sections(fieldsets):
    return [
        (
            SECTIONS.get(title, title),
            {
                **options,
                "fields": [READ_ONLY.get(name, name) for name in options["fields"]],
            },
        )
        for title, options in fieldsets
    ]


class FrenchColumns:
    """Columns and filters under French titles (a field's own title is English)."""

    list_display = [
        "user_column",
        "name_column",
        "created_column",
        "used_column",
        "confirmed_column",
    ]
    search_help_text = _("Chercher par adresse e-mail du compte.")

    @admin.display(description=LABELS["user"], ordering="user__email")
    def user_column(self, device):
        return device.user

    @admin.display(description=LABELS["name"], ordering="name")
    def name_column(self, device):
        return device.name

    @admin.display(description=LABELS["created_at"], ordering="created_at")
    def created_column(self, device):
        return device.created_at

    @admin.display(description=LABELS["last_used_at"], ordering="last_used_at")
    def used_column(self, device):
        return device.last_used_at

    @admin.display(description=LABELS["confirmed"], boolean=True, ordering="confirmed")
    def confirmed_column(self, device):
        return device.confirmed


def titled_filter(field, title):
    """A list filter on `field` under a French title."""

    class Filter(admin.FieldListFilter):
        def __new__(cls, field_object, request, params, model, model_admin, field_path):
            instance = admin.FieldListFilter.create(
                field_object, request, params, model, model_admin, field_path
            )
            instance.title = title
            return instance

    return (field, Filter)


FILTERS = [
    titled_filter("created_at", LABELS["created_at"]),
    titled_filter("last_used_at", LABELS["last_used_at"]),
    titled_filter("confirmed", LABELS["confirmed"]),
]


class AuthenticatorAppAdmin(FrenchColumns, TOTPDeviceAdmin):
    form = french_form(AuthenticatorApp, LABELS)
    list_filter = FILTERS
    readonly_fields = [*READ_ONLY.values(), "qrcode_link"]

    def get_list_display(self, request):
        return FrenchColumns.list_display

    def get_fieldsets(self, request, obj=None):
        return french_sections(super().get_fieldsets(request, obj))

    @admin.display(description=_("QR code"))
    def qrcode_link(self, device):
        return super().qrcode_link(device)


class BackupCodeInline(admin.TabularInline):
    model = StaticToken
    fk_name = "device"
    extra = 0
    form = french_form(StaticToken, ["token"])
    verbose_name = _("code de secours")
    verbose_name_plural = _("codes de secours")


class BackupCodesAdmin(FrenchColumns, StaticDeviceAdmin):
    form = french_form(BackupCodes, LABELS)
    list_filter = FILTERS
    readonly_fields = list(READ_ONLY.values())
    fieldsets = french_sections(StaticDeviceAdmin.fieldsets)
    inlines = [BackupCodeInline]


def register(site):
    for model in (TOTPDevice, StaticDevice):
        if site.is_registered(model):
            site.unregister(model)
    site.register(AuthenticatorApp, AuthenticatorAppAdmin)
    site.register(BackupCodes, BackupCodesAdmin)
