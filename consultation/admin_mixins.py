"""Pieces shared by the admin classes of every app."""

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .cache import content_changed
from .scopes import moderation_scope


class ContentChangeAdminMixin:
    """An admin whose saves change what the public sees: the cached pages go stale."""

    def consultation_id_of(self, obj):
        return obj.consultation_id

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        content_changed(self.consultation_id_of(obj))

    def delete_model(self, request, obj):
        consultation_id = self.consultation_id_of(obj)
        super().delete_model(request, obj)
        content_changed(consultation_id)

    def delete_queryset(self, request, queryset):
        consultation_ids = {self.consultation_id_of(obj) for obj in queryset}
        super().delete_queryset(request, queryset)
        for consultation_id in consultation_ids:
            content_changed(consultation_id)


class ScopedAdminMixin:
    """
    An admin that holds only what is in the moderator's scope (`consultation.scopes`):
    `scope_lookups` names its objects' region and consultation (a missing key: that
    kind of limit does not apply to them). What is outside is not listed, and its
    address answers 404, like an object that does not exist; its forms offer only the
    regions, consultations, themes… of the scope (those their own scoped admin holds).
    `whole_consultation`:
    content of a whole consultation (its settings, themes, trajectories), which a
    moderator scoped to regions reads without changing it.
    """

    scope_lookups: dict[str, str] = {}
    whole_consultation = False

    def get_queryset(self, request):
        return moderation_scope(request.user).filter(
            super().get_queryset(request), **self.scope_lookups
        )

    def get_field_queryset(self, db, db_field, request):
        # A choice of regions, consultations, themes…: what their own admin holds
        # for this moderator, when it is scoped too.
        related = self.admin_site._registry.get(db_field.remote_field.model)
        if isinstance(related, ScopedAdminMixin):
            return related.get_queryset(request)
        return super().get_field_queryset(db, db_field, request)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django's admin redirects home; an object out of scope must not be told
        # apart from one that does not exist.
        raise Http404

    def _regional(self, request):
        return (
            self.whole_consultation
            and moderation_scope(request.user).regions is not None
        )

    def has_add_permission(self, request, *args):
        return not self._regional(request) and super().has_add_permission(
            request, *args
        )

    def has_change_permission(self, request, obj=None):
        return not self._regional(request) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return not self._regional(request) and super().has_delete_permission(
            request, obj
        )


class ReadOnlyTabularInline(admin.TabularInline):
    """A record shown with its parent and never changed in the admin (moderation
    events, reports): its `fields` read only, nothing added, changed or deleted."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def fields_except(fields, *editable):
    """The names in `fields` (a ModelAdmin's, rows allowed) but `editable`: the
    read-only fields of a form where only those can change."""
    names = [
        name for row in fields for name in (row if isinstance(row, tuple) else [row])
    ]
    return [name for name in names if name not in editable]


PERMISSION_VERBS = {
    "add": _("Peut ajouter"),
    "change": _("Peut modifier"),
    "delete": _("Peut supprimer"),
    "view": _("Peut voir"),
}


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    """Permissions named in the admin's language (Django stores « Can add … » in
    English): the app, then the action on the model's plural name."""

    def label_from_instance(self, permission):
        content_type = permission.content_type
        model = content_type.model_class()
        verb, _separator, model_name = permission.codename.partition("_")
        if model is not None and verb in PERMISSION_VERBS:
            if model_name == model._meta.model_name:
                action = _("%(verb)s : %(models)s") % {
                    "verb": PERMISSION_VERBS[verb],
                    "models": model._meta.verbose_name_plural,
                }
            else:
                action = permission.name
        else:
            action = permission.name
        app = apps.get_app_config(content_type.app_label).verbose_name
        return f"{app} | {action}"


class PermissionLabelsMixin:
    """For the account and group admins: only the permissions of the models the admin
    shows (the others cannot be used), each named in French or English."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            content_types = ContentType.objects.get_for_models(
                *self.admin_site._registry, for_concrete_models=False
            ).values()
            kwargs["queryset"] = Permission.objects.filter(
                content_type__in=content_types
            ).order_by("content_type__app_label", "content_type__model", "codename")
            kwargs["form_class"] = PermissionChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)
