"""Arguments in the admin: the queue of reported arguments, hidden with a reason (the
author is mailed) or kept. Arguments change only through `services.arguments`."""

from django.contrib import admin, messages
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consultation.admin_mixins import ReadOnlyTabularInline, ScopedAdminMixin

from .. import selectors, services
from ..forms import ArgumentHideForm
from ..models import Argument, ArgumentReport


class ReviewFilter(admin.SimpleListFilter):
    """Opens on the queue: published arguments reported since they were last
    looked at."""

    title = _("examen")
    parameter_name = "examen"

    def lookups(self, request, model_admin):
        return [("tous", _("Tous les arguments"))]

    def queryset(self, request, queryset):
        if self.value() == "tous":
            return queryset
        return queryset.filter(pk__in=Argument.objects.to_review().values("pk"))

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Signalés, à examiner"),
        }
        yield from super().choices(changelist)


class ArgumentReportInline(ReadOnlyTabularInline):
    model = ArgumentReport
    fields = ["reason", "reporter", "created_at"]


@admin.register(Argument)
class ArgumentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_lookups = selectors.ARGUMENT_PLACE
    list_display = [
        "text",
        "side",
        "organisation",
        "proposal",
        "report_count",
        "status",
        "created_at",
        "reviewed_at",
    ]
    list_filter = [ReviewFilter, "status", "side"]
    list_select_related = ["proposal"]
    search_fields = ["text", "organisation"]
    ordering = ["-created_at"]
    actions = ["hide_selected", "keep_selected"]
    fields = (
        "proposal",
        "side",
        "text",
        "organisation",
        "organisation_type",
        "region",
        "status",
        "hidden_reason",
        "created_at",
        "reviewed_at",
        "reviewed_by",
        "review_scope",
    )
    readonly_fields = fields
    inlines = [ArgumentReportInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(report_count=Count("reports"))

    @admin.display(description=_("signalements"), ordering="report_count")
    def report_count(self, argument):
        return argument.report_count

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _apply(self, request, queryset, action, **kwargs):
        done = 0
        for argument in queryset:
            try:
                action(argument=argument, moderator=request.user, **kwargs)
            except services.ProposalActionError as error:
                self.message_user(
                    request, f"« {argument} » : {error}", messages.WARNING
                )
            else:
                done += 1
        return done

    @admin.action(
        description=_("Masquer les arguments sélectionnés (avec un motif)"),
        permissions=["change"],
    )
    def hide_selected(self, request, queryset):
        # An intermediate page asks for the reason; its form posts back to this action.
        form = ArgumentHideForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            done = self._apply(
                request, queryset, services.argument_hide, **form.cleaned_data
            )
            if done:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d argument masqué.",
                        "%(count)d arguments masqués.",
                        done,
                    )
                    % {"count": done},
                    messages.SUCCESS,
                )
            return None
        return TemplateResponse(
            request,
            "admin/proposals/argument/hide_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Masquer des arguments"),
                "form": form,
                "arguments": queryset,
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            },
        )

    @admin.action(
        description=_("Garder les arguments sélectionnés (signalements examinés)"),
        permissions=["change"],
    )
    def keep_selected(self, request, queryset):
        done = self._apply(request, queryset, services.argument_keep)
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d argument gardé.", "%(count)d arguments gardés.", done
                )
                % {"count": done},
                messages.SUCCESS,
            )
