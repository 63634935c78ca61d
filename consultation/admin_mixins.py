"""Pieces shared by the admin classes of every app."""

from .cache import content_changed


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


def fields_except(fields, *editable):
    """The names in `fields` (a ModelAdmin's, rows allowed) but `editable`: the
    read-only fields of a form where only those can change."""
    names = [
        name for row in fields for name in (row if isinstance(row, tuple) else [row])
    ]
    return [name for name in names if name not in editable]
