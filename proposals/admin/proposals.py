from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consultation.admin_mixins import (
    ContentChangeAdminMixin,
    ReadOnlyTabularInline,
    ScopedAdminMixin,
    fields_except,
)
from trajectories.models import Trajectory

from .. import permissions, selectors, services
from ..forms import (
    AnswerForm,
    MergeForm,
    ProposalAdminForm,
    RejectionForm,
    WorkshopAdminForm,
)
from ..models import (
    ModerationEvent,
    Proposal,
    RejectionReason,
    Status,
    Vote,
    Workshop,
)
from ..similar import similar_proposals
from .imports import WorkshopImportAdminMixin


class StatusFilter(admin.SimpleListFilter):
    """Status filter whose default is the moderation queue: pending proposals."""

    title = _("statut")
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*Status.choices, (self.ALL, _("Tous"))]

    def value(self):
        return super().value() or Status.PENDING

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(status=self.value())

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string(
                    {self.parameter_name: lookup}
                ),
                "display": title,
            }


class TrajectoryFilter(admin.SimpleListFilter):
    title = _("trajectoire")
    parameter_name = "trajectory"

    def lookups(self, request, model_admin):
        return [
            (t.pk, str(t))
            for t in Trajectory.objects.order_by("consultation", "number")
        ]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(question__trajectory_id=self.value())
        return queryset


class ModerationEventInline(ReadOnlyTabularInline):
    model = ModerationEvent
    fk_name = "proposal"
    fields = [
        "created_at",
        "action",
        "previous_status",
        "actor",
        "reason",
        "previous_text",
        "merged_into",
        "scope",
        "details",
    ]


@admin.register(Proposal)
class ProposalAdmin(
    ScopedAdminMixin,
    WorkshopImportAdminMixin,
    ContentChangeAdminMixin,
    admin.ModelAdmin,
):
    scope_lookups = selectors.PROPOSAL_PLACE
    list_display = [
        "full_text",
        "question_label",
        "trajectory_number",
        "status",
        "source",
        "region",
        "organisation",
        "votes",
        "created_at",
    ]
    list_filter = [
        StatusFilter,
        "source",
        "region",
        TrajectoryFilter,
        "organisation_type",
    ]
    form = ProposalAdminForm
    list_select_related = ["question__trajectory", "region", "author"]
    list_display_links = ["full_text"]
    search_fields = ["text", "author__organisation"]
    date_hierarchy = "created_at"
    ordering = ["created_at", "pk"]
    actions = ["publish_selected", "reject_selected", "answer_selected"]
    # Laid out for the decision: the text and its question, what resembles it, its
    # votes, who wrote it, then its history (the moderation events below).
    fieldsets = [
        (None, {"fields": ["text", "question", "status", "moderation_reason"]}),
        (_("Propositions proches"), {"fields": ["similar", "merged_into"]}),
        (_("Votes"), {"fields": [("agree_count", "mixed_count", "disagree_count")]}),
        (
            _("Autrice ou auteur"),
            {
                "fields": [
                    "author",
                    "organisation",
                    "organisation_type",
                    "region",
                    "source",
                    "cosigners",
                ]
            },
        ),
        (_("Historique"), {"fields": [("created_at", "published_at", "updated_at")]}),
    ]
    # Moderators edit the text, the question and the region; the rest changes
    # through the services.
    readonly_fields = fields_except(
        flatten_fieldsets(fieldsets), "question", "text", "region"
    )
    raw_id_fields = ["question"]
    inlines = [ModerationEventInline]
    change_form_template = "admin/proposals/proposal/change_form.html"
    change_list_template = "admin/proposals/proposal/change_list.html"

    def consultation_id_of(self, obj):
        return obj.question.trajectory.consultation_id

    def save_model(self, request, obj, form, change):
        """A moderator's edit goes through the service, which records it."""
        if not change:
            return super().save_model(request, obj, form, change)
        try:
            services.proposal_edit(
                proposal=obj,
                moderator=request.user,
                text=form.cleaned_data["text"],
                question=form.cleaned_data["question"],
                region=form.cleaned_data["region"],
            )
        except services.ProposalActionError as error:
            self.message_user(request, str(error), messages.ERROR)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        proposal = self.get_object(request, object_id)
        if proposal is not None:
            extra_context = {
                **(extra_context or {}),
                "can_publish": permissions.publication_refusal(request.user, proposal)
                is None,
                "can_reject": permissions.rejection_refusal(request.user, proposal)
                is None,
            }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("cosignatures"))
    def cosigners(self, proposal):
        """Who cosigns it, and the invitations its author sent."""
        rows = [
            f"{cosignature.organisation or cosignature.email} — "
            f"{cosignature.get_status_display()}"
            for cosignature in proposal.cosignatures.order_by("invited_at", "pk")
        ]
        return (
            format_html_join(mark_safe("<br>"), "{}", ((row,) for row in rows)) or "—"
        )

    @admin.display(description=_("propositions proches"))
    def similar(self, proposal):
        """The published proposals of its question that say nearly the same, each
        with the link to merge this one into it."""
        if permissions.merge_source_refusal(proposal):
            return "—"
        rows = [
            (
                other.pk,
                other.text,
                other.vote_count,
                reverse("admin:proposals_proposal_merge", args=[proposal.pk, other.pk]),
            )
            for other in similar_proposals(
                proposal.question, proposal.text, exclude=proposal.pk
            )
        ]
        return (
            format_html_join(
                mark_safe(""),
                '<p>n° {} — « {} » ({} votes) · <a href="{}">'
                + str(_("Fusionner cette proposition dans celle-ci"))
                + "</a></p>",
                rows,
            )
            or "—"
        )

    @admin.display(description=_("proposition"))
    def full_text(self, proposal):
        # The whole text, wrapped (static/css/admin.css): moderators decide on it.
        return format_html('<span class="proposal-full-text">{}</span>', proposal.text)

    @admin.display(description=_("question"), ordering="question__position")
    def question_label(self, proposal):
        return proposal.question.text

    @admin.display(description=_("traj."), ordering="question__trajectory__number")
    def trajectory_number(self, proposal):
        return proposal.question.trajectory.number

    @admin.display(description=_("organisation"))
    def organisation(self, proposal):
        """Its name and type in one column, so that the queue fits at 1366 px."""
        name = proposal.author.organisation if proposal.author else "—"
        kind = proposal.get_organisation_type_display()
        return format_html("{}<br><small>{}</small>", name, kind) if kind else name

    @admin.display(description=_("votes (pour · mitigé · contre)"))
    def votes(self, proposal):
        return format_html(
            '<span class="vote-triple">{} · {} · {}</span>',
            proposal.agree_count,
            proposal.mixed_count,
            proposal.disagree_count,
        )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="{}_{}_publish".format(*info),
            ),
            path(
                "<int:pk>/reject/",
                self.admin_site.admin_view(self.reject_view),
                name="{}_{}_reject".format(*info),
            ),
            path(
                "<int:pk>/merge/<int:into>/",
                self.admin_site.admin_view(self.merge_view),
                name="{}_{}_merge".format(*info),
            ),
            *self.import_urls(),
            *super().get_urls(),
        ]

    # --- Moderation ---------------------------------------------------------------

    def _moderate(self, request, proposals, action, **kwargs):
        """Apply a moderation service to each proposal; report what it did."""
        done = 0
        for proposal in proposals:
            try:
                decision = action(proposal=proposal, moderator=request.user, **kwargs)
            except services.ProposalActionError as error:
                self.message_user(
                    request, f"« {proposal} » : {error}", messages.WARNING
                )
                continue
            done += 1
            if decision.notice.failed:
                self.message_user(
                    request,
                    _(
                        "« %(proposal)s » : l'e-mail à son autrice ou son auteur n'a "
                        "pas pu être envoyé (le serveur de courrier ne répond pas). La "
                        "décision est enregistrée ; elle la voit dans « Mon espace »."
                    )
                    % {"proposal": proposal},
                    messages.WARNING,
                )
        return done

    @admin.action(
        description=_("Publier les propositions sélectionnées"), permissions=["change"]
    )
    def publish_selected(self, request, queryset):
        done = self._moderate(request, queryset, services.proposal_publish)
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d proposition publiée.",
                    "%(count)d propositions publiées.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(
        description=_("Refuser les propositions sélectionnées (avec un motif)"),
        permissions=["change"],
    )
    def reject_selected(self, request, queryset):
        # An intermediate page asks for the reason; its form posts back to this action.
        form = RejectionForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            done = self._moderate(
                request,
                queryset,
                services.proposal_reject,
                reason=form.cleaned_data["reason"],
            )
            if done:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d proposition refusée.",
                        "%(count)d propositions refusées.",
                        done,
                    )
                    % {"count": done},
                    messages.SUCCESS,
                )
            return None
        return self._action_form(
            request,
            title=_("Refuser des propositions"),
            submit_label=_("Refuser"),
            form=form,
            proposals=queryset,
            action="reject_selected",
        )

    @admin.action(
        description=_("Répondre aux propositions sélectionnées"),
        permissions=["answer"],
    )
    def answer_selected(self, request, queryset):
        """One official answer (state and text) for every selected proposal."""
        form = AnswerForm(request.POST if "state" in request.POST else None)
        if not form.is_valid():
            return self._action_form(
                request,
                title=_("Répondre à des propositions"),
                submit_label=_("Répondre"),
                form=form,
                proposals=queryset,
                action="answer_selected",
            )
        done = 0
        for proposal in queryset:
            try:
                services.proposal_answer(
                    proposal=proposal, author=request.user, **form.cleaned_data
                )
            except services.ProposalActionError as error:
                self.message_user(
                    request, f"« {proposal} » : {error}", messages.WARNING
                )
            else:
                done += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d réponse enregistrée.",
                "%(count)d réponses enregistrées.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )
        return None

    def has_answer_permission(self, request):
        return permissions.can_answer_proposals(request.user)

    def _action_form(self, request, *, title, submit_label, form, proposals, **extra):
        """The intermediate page of an action that asks for something (a reason,
        an answer) before it applies to `proposals`."""
        return TemplateResponse(
            request,
            "admin/proposals/proposal/action_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "intro": extra.pop("intro", None)
                or ngettext(
                    "Pour cette proposition :",
                    "Pour ces %(count)d propositions :",
                    len(proposals),
                )
                % {"count": len(proposals)},
                "submit_label": submit_label,
                "form": form,
                "proposals": proposals,
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                **extra,
            },
        )

    def _change_url(self, proposal):
        return reverse("admin:proposals_proposal_change", args=[proposal.pk])

    def _after(self, request, proposal):
        """Back to the proposal, or on to the next pending one (« … et passer à la
        suivante »), or to the list when none is left."""
        if "next" not in request.POST:
            return redirect(self._change_url(proposal))
        following = selectors.proposal_next_pending(
            after=proposal, among=self.get_queryset(request)
        )
        if following is None:
            self.message_user(
                request, _("Plus aucune proposition en attente."), messages.INFO
            )
            return redirect(reverse("admin:proposals_proposal_changelist"))
        return redirect(self._change_url(following))

    def publish_view(self, request, pk):
        proposal = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method != "POST" or not self.has_change_permission(
            request, proposal
        ):
            raise PermissionDenied
        if self._moderate(request, [proposal], services.proposal_publish):
            self.message_user(request, _("Proposition publiée."), messages.SUCCESS)
        return self._after(request, proposal)

    def reject_view(self, request, pk):
        proposal = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, proposal):
            raise PermissionDenied
        form = RejectionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if self._moderate(
                request,
                [proposal],
                services.proposal_reject,
                reason=form.cleaned_data["reason"],
            ):
                self.message_user(request, _("Proposition refusée."), messages.SUCCESS)
            return self._after(request, proposal)
        return self._action_form(
            request,
            title=_("Refuser une proposition"),
            submit_label=_("Refuser"),
            form=form,
            proposals=[proposal],
            original=proposal,
            continue_to_next="next" in request.GET or "next" in request.POST,
        )

    def merge_view(self, request, pk, into):
        """Merge proposal `pk` into `into`, once the moderator confirmed it."""
        proposal = get_object_or_404(self.get_queryset(request), pk=pk)
        kept = get_object_or_404(self.get_queryset(request), pk=into)
        if not self.has_change_permission(request, proposal):
            raise PermissionDenied
        form = MergeForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                services.proposal_merge(
                    proposal=proposal,
                    into=kept,
                    moderator=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except services.ProposalActionError as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect(self._change_url(proposal))
            self.message_user(
                request,
                _(
                    "Proposition n° %(merged)s fusionnée dans la n° %(kept)s : ses "
                    "votes y sont comptés, son adresse y mène, ses autrices, auteurs "
                    "et votants en sont informés."
                )
                % {"merged": proposal.pk, "kept": kept.pk},
                messages.SUCCESS,
            )
            return redirect(self._change_url(kept))
        return TemplateResponse(
            request,
            "admin/proposals/proposal/merge_confirm.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Fusionner deux propositions"),
                "form": form,
                "merged": proposal,
                "kept": kept,
                "moves": services.merge_preview(proposal=proposal, into=kept),
            },
        )


@admin.register(Vote)
class VoteAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_lookups = selectors.VOTE_PLACE
    list_display = ["proposal", "choice", "voter", "created_at"]
    list_filter = ["choice"]
    list_select_related = ["proposal", "voter"]
    raw_id_fields = ["proposal", "voter"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Votes change only through `services.vote_cast`, which keeps the counters true.
        return False


@admin.register(Workshop)
class WorkshopAdmin(ScopedAdminMixin, ContentChangeAdminMixin, admin.ModelAdmin):
    """The regional workshops: imports create them; moderators complete them (the
    organiser, the number of participants, the report)."""

    scope_lookups = selectors.WORKSHOP_PLACE

    list_display = ["__str__", "consultation", "region", "date", "proposal_count"]
    list_filter = ["consultation", "region"]
    list_select_related = ["consultation", "region"]
    search_fields = ["place", "organiser"]
    form = WorkshopAdminForm
    fields = tuple(WorkshopAdminForm.Meta.fields)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(proposal_total=Count("proposals"))

    @admin.display(description=_("propositions"), ordering="proposal_total")
    def proposal_count(self, workshop):
        return workshop.proposal_total


@admin.register(RejectionReason)
class RejectionReasonAdmin(admin.ModelAdmin):
    """The reasons moderators pick when they reject a proposal."""

    list_display = ["label", "text", "position", "is_active"]
    list_editable = ["position", "is_active"]
    fields = ["label", "text", "position", "is_active"]
