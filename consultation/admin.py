import json

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.admin import OTPAdminSite

from . import otp_admin
from .admin_mixins import (
    ContentChangeAdminMixin,
    PermissionLabelsMixin,
    ScopedAdminMixin,
    fields_except,
)
from .forms import UserChangeAdminForm, UserCreationAdminForm
from .models import (
    Consultation,
    ModerationScope,
    Organisation,
    Phase,
    Region,
    SitePage,
    User,
)
from .registers import imported_registers
from .scopes import moderation_scope

if settings.ADMIN_REQUIRE_OTP:
    # Staff log into the admin with their password and a one-time code (django-otp).
    admin.site.__class__ = OTPAdminSite

admin.site.site_header = _("Trajectoires ESS — administration")
admin.site.site_title = _("Trajectoires ESS")
admin.site.index_title = _("Curation et modération")
# The moderation queue needs the width: the apps are one click away (breadcrumbs).
admin.site.enable_nav_sidebar = False
otp_admin.register(admin.site)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionLabelsMixin, BaseGroupAdmin):
    pass


class ModerationScopeInline(admin.StackedInline):
    """A moderator's scope, set by whoever manages accounts: none = national."""

    model = ModerationScope
    fields = ["regions", "consultations"]
    filter_horizontal = ["regions", "consultations"]
    can_delete = True
    extra = 0
    max_num = 1


@admin.register(User)
class UserAdmin(PermissionLabelsMixin, BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ["email"]
    list_display = ["email", "organisation", "organisation_type", "region", "is_staff"]
    list_filter = [
        "is_staff",
        "is_superuser",
        "is_active",
        "organisation_type",
        "region",
    ]
    search_fields = ["email", "organisation"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Organisation"),
            {
                "fields": [
                    "organisation",
                    "organisation_type",
                    "region",
                    "legal_identifier",
                ]
            },
        ),
        (
            _("Droits"),
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ]
            },
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    readonly_fields = ["organisation_key", "last_login", "date_joined"]

    def get_inlines(self, request, obj):
        # A scope is a staff account's: set it once the account is staff.
        return [ModerationScopeInline] if obj is not None and obj.is_staff else []

    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "usable_password", "password1", "password2"],
            },
        ),
    ]


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_lookups = {"region": "code"}
    list_display = ["code", "name"]
    ordering = ["code"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Consultation)
class ConsultationAdmin(ScopedAdminMixin, ContentChangeAdminMixin, admin.ModelAdmin):
    scope_lookups = {"consultation": "pk"}
    whole_consultation = True
    list_display = [
        "title",
        "phase",
        "current_phase_display",
        "opens_at",
        "contributions_close_at",
        "closes_at",
    ]
    list_filter = ["phase"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "title",
        "slug",
        "phase",
        "timeline",
        "opens_at",
        "contributions_close_at",
        "closes_at",
        "introduction",
    ]
    readonly_fields = ["timeline"]

    @admin.display(description=_("phase en vigueur"))
    def current_phase_display(self, consultation):
        return Phase(consultation.current_phase).label

    @admin.display(description=_("Calendrier"))
    def timeline(self, consultation):
        """The consultation's dates in order, and the phase they put it in now."""
        if consultation.pk is None:
            return "—"
        steps = [
            (_("Ouverture"), consultation.opens_at),
            (_("Fin du dépôt des propositions"), consultation.contributions_close_at),
            (_("Clôture"), consultation.closes_at),
        ]
        return format_html(
            "<ol>{}</ol><p>{} <strong>{}</strong></p>",
            format_html_join(
                "",
                "<li>{} : {}</li>",
                (
                    (label, date_format(timezone.localtime(moment), "j F Y, H:i"))
                    if moment
                    else (label, _("non fixée"))
                    for label, moment in steps
                ),
            ),
            _("Phase en vigueur :"),
            Phase(consultation.current_phase).label,
        )

    def consultation_id_of(self, obj):
        return obj.pk


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "updated_at"]
    fields = ["title", "body"]

    def has_add_permission(self, request):
        # The pages are linked from every footer; their set is fixed.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReverificationFilter(admin.SimpleListFilter):
    """Organisations that were verified, then changed their name, type or number."""

    title = _("à vérifier à nouveau")
    parameter_name = "reverification"

    def lookups(self, request, model_admin):
        return [("1", _("Oui"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.exclude(reverification_requested_at=None)
        return queryset


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Moderators verify organisations here (those of their regions, when scoped);
    accounts themselves stay out of reach. Each verification is in the account's
    history, with the moderator and its scope."""

    scope_lookups = {"region": "region"}

    fields = (
        "organisation",
        "organisation_type",
        "region",
        "legal_identifier",
        "registered_name",
        "registered_name_differs",
        "organisation_verified",
        "reverification_requested_at",
        "date_joined",
    )
    list_display = fields
    readonly_fields = fields_except(fields, "organisation_verified")
    list_filter = [
        ReverificationFilter,
        "registered_name_differs",
        "organisation_verified",
        "organisation_type",
        "region",
    ]
    list_select_related = ["region"]
    search_fields = ["organisation", "legal_identifier"]
    ordering = ["organisation"]

    def save_model(self, request, obj, form, change):
        if obj.organisation_verified:
            obj.reverification_requested_at = None  # verified again
        super().save_model(request, obj, form, change)

    actions = ["mark_verified", "mark_unverified"]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(organisation="")

    def changelist_view(self, request, extra_context=None):
        """The list says whether identifiers are checked against a register."""
        registers = sorted(imported_registers().values(), key=lambda i: i.register)
        return super().changelist_view(
            request, {**(extra_context or {}), "registers": registers}
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def log_change(self, request, obj, message):
        if not isinstance(message, str):
            message = LogEntry(change_message=json.dumps(message)).get_change_message()
        return super().log_change(
            request,
            obj,
            _("%(change)s (périmètre : %(scope)s)")
            % {"change": message, "scope": moderation_scope(request.user).label()},
        )

    def _set_verified(self, request, queryset, verified):
        organisations = list(queryset)
        count = queryset.update(
            organisation_verified=verified, reverification_requested_at=None
        )
        for organisation in organisations:
            self.log_change(
                request,
                organisation,
                str(
                    _("Organisation vérifiée.")
                    if verified
                    else _("Vérification retirée.")
                ),
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d organisation mise à jour.",
                "%(count)d organisations mises à jour.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Marquer comme vérifiées"), permissions=["change"])
    def mark_verified(self, request, queryset):
        self._set_verified(request, queryset, True)

    @admin.action(description=_("Retirer la vérification"), permissions=["change"])
    def mark_unverified(self, request, queryset):
        self._set_verified(request, queryset, False)
