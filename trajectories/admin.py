from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from consultation.admin_mixins import ContentChangeAdminMixin

from .models import GuidingQuestion, Theme, Trajectory


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
class ThemeAdmin(ContentChangeAdminMixin, admin.ModelAdmin):
    list_display = ["title", "position", "consultation"]
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
class TrajectoryAdmin(ContentChangeAdminMixin, admin.ModelAdmin):
    list_display = ["number", "title", "theme"]
    list_display_links = ["number", "title"]
    list_filter = ["consultation", "theme"]
    list_select_related = ["theme"]
    search_fields = ["title"]
    ordering = ["consultation", "number"]
    inlines = [GuidingQuestionInline]
