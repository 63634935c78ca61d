from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from consultation.admin_mixins import ContentChangeAdminMixin, ScopedAdminMixin

from .models import GuidingQuestion, Theme, Trajectory, title_advice


class TitleAdviceAdminMixin:
    """Titles written in capitals without accents are flagged in the list (« À
    réécrire ») and explained on their page."""

    @admin.display(description=_("Titre à revoir"))
    def title_check(self, obj):
        return _("À réécrire") if title_advice(obj.title) else ""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        advice = title_advice(obj.title) if obj is not None else None
        if request.method == "GET" and advice:
            messages.warning(request, advice)
        return super().change_view(request, object_id, form_url, extra_context)


class TrajectoryInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        numbers = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            number = form.cleaned_data.get("number")
            if number in numbers:
                form.add_error("number", _("Ce numéro figure deux fois dans ce thème."))
            numbers.add(number)


class TrajectoryInline(admin.TabularInline):
    model = Trajectory
    formset = TrajectoryInlineFormSet
    fields = ["number", "title"]
    ordering = ["number"]
    extra = 0
    show_change_link = True


@admin.register(Theme)
class ThemeAdmin(
    ScopedAdminMixin, TitleAdviceAdminMixin, ContentChangeAdminMixin, admin.ModelAdmin
):
    scope_lookups = {"consultation": "consultation"}
    whole_consultation = True
    list_display = ["title", "title_check", "position", "consultation"]
    list_editable = ["position"]
    list_filter = ["consultation"]
    list_select_related = ["consultation"]
    search_fields = ["title"]
    ordering = ["consultation", "position", "pk"]
    inlines = [TrajectoryInline]

    def get_readonly_fields(self, request, obj=None):
        # Its trajectories are numbered within the consultation: it cannot move.
        return ["consultation"] if obj else []


class GuidingQuestionInline(admin.TabularInline):
    model = GuidingQuestion
    fields = ["position", "text"]
    ordering = ["position", "pk"]
    extra = 0


@admin.register(Trajectory)
class TrajectoryAdmin(
    ScopedAdminMixin, TitleAdviceAdminMixin, ContentChangeAdminMixin, admin.ModelAdmin
):
    scope_lookups = {"consultation": "consultation"}
    whole_consultation = True
    list_display = ["number", "title", "title_check", "theme"]
    list_display_links = ["number", "title"]
    list_filter = ["consultation", "theme"]
    list_select_related = ["theme"]
    search_fields = ["title"]
    ordering = ["consultation", "number"]
    inlines = [GuidingQuestionInline]
