"""The admin's imports: workshop documents, and official answers from a CSV file;
each one uploaded, previewed, then confirmed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consultation.scopes import scoped_choices

from .. import services
from ..imports import NoImportTarget, WorkshopError, parse_workshop, workshop_import
from ..imports.forms import (
    AnswersConfirmForm,
    AnswersUploadForm,
    WorkshopConfirmForm,
    WorkshopRecordFields,
    WorkshopUploadForm,
)

TEMPLATE = "admin/proposals/proposal/import_workshop.html"
ANSWERS_TEMPLATE = "admin/proposals/proposal/import_answers.html"


class WorkshopImportAdminMixin:
    """Adds the import page to the proposals' admin (one more URL, one more button)."""

    def import_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import-workshop/",
                self.admin_site.admin_view(self.import_workshop_view),
                name="{}_{}_import_workshop".format(*info),
            ),
            path(
                "import-answers/",
                self.admin_site.admin_view(self.import_answers_view),
                name="{}_{}_import_answers".format(*info),
            ),
        ]

    def _import_page(
        self, request, *, permission, template, title, upload_form, confirm_form, step
    ):
        """
        The admin's imports, in two steps: upload a file (`upload_form`), see what it
        would do, then confirm (`confirm_form`: the previewed data in hidden fields).
        `step(request, form, confirming, context)` does the work (for real only when
        confirming) and returns the response once done, or None to show `context`
        (the preview, or what is wrong).
        """
        if not request.user.has_perm(permission):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "form": self._scoped_form(request, upload_form()),
        }
        if request.method == "POST":
            confirming = "confirm" in request.POST
            form = self._scoped_form(
                request,
                (confirm_form if confirming else upload_form)(
                    request.POST, request.FILES
                ),
            )
            if form.is_valid():
                done = step(request, form, confirming, context)
                if done is not None:
                    return done
            elif not confirming:
                context["form"] = form
        return TemplateResponse(request, template, context)

    def _scoped_form(self, request, form):
        """`form` offering only the regions and consultations of the moderator's
        scope (what else it names is refused on import)."""
        for field in form.fields.values():
            if hasattr(field, "queryset"):
                field.queryset = scoped_choices(request.user, field.queryset)
        return form

    def import_answers_view(self, request):
        """Upload a CSV file of answers (`id,state,answer`), preview, confirm."""
        return self._import_page(
            request,
            permission="proposals.answer_proposal",
            template=ANSWERS_TEMPLATE,
            title=_("Importer des réponses officielles"),
            upload_form=AnswersUploadForm,
            confirm_form=AnswersConfirmForm,
            step=self._answers_step,
        )

    def _answers_step(self, request, form, confirming, context):
        text = form.cleaned_data["text" if confirming else "document"]
        try:
            rows = (services.answers_import if confirming else services.answers_parse)(
                text=text, author=request.user
            )
        except services.AnswerImportError as error:
            context["import_errors"] = [
                _("Ligne %(line)s : %(reason)s") % {"line": line, "reason": reason}
                for line, reason in error.errors
            ]
            return None
        if confirming:
            self.message_user(
                request,
                ngettext(
                    "%(count)s réponse importée.",
                    "%(count)s réponses importées.",
                    len(rows),
                )
                % {"count": len(rows)},
                messages.SUCCESS,
            )
            return redirect(reverse("admin:proposals_proposal_changelist"))
        context["rows"] = rows
        context["confirm_form"] = AnswersConfirmForm(initial={"text": text})
        return None

    def import_workshop_view(self, request):
        """Upload a workshop document, preview what it creates, then confirm."""
        return self._import_page(
            request,
            permission="proposals.import_workshop",
            template=TEMPLATE,
            title=_("Importer un document d'atelier"),
            upload_form=WorkshopUploadForm,
            confirm_form=WorkshopConfirmForm,
            step=self._workshop_step,
        )

    def _workshop_step(self, request, form, confirming, context):
        data = form.cleaned_data
        text = data["text"] if confirming else data["document"]  # decoded once
        try:
            report = workshop_import(
                themes=parse_workshop(text),
                consultation=data["consultation"],
                region=data["region"],
                workshop=form.workshop(),
                dry_run=not confirming,
                importer=request.user,
            )
        except WorkshopError as error:
            context["import_error"] = _("Ligne %(line)s : %(reason)s") % {
                "line": error.line,
                "reason": error.reason,
            }
            return None
        except NoImportTarget as error:
            context["import_error"] = str(error)
            return None
        if confirming:
            self.message_user(
                request,
                import_report_message(report.counts),
                messages.SUCCESS,
            )
            changelist = reverse("admin:proposals_proposal_changelist")
            return redirect(f"{changelist}?status=all")
        context["report"] = report
        context["report_counts"] = import_counts_text(report.counts)
        context["confirm_form"] = WorkshopConfirmForm(
            initial={
                "text": text,
                "consultation": data["consultation"],
                "region": data["region"],
                **{name: data.get(name) for name in WorkshopRecordFields.base_fields},
            }
        )
        return None


def import_counts_text(counts):
    """« 1 thème, 2 trajectoires… » — each count agreeing with its
    noun."""
    parts = [
        ngettext("%(count)s thème", "%(count)s thèmes", counts["theme"]),
        ngettext(
            "%(count)s trajectoire", "%(count)s trajectoires", counts["trajectory"]
        ),
        ngettext("%(count)s question", "%(count)s questions", counts["question"]),
        ngettext("%(count)s proposition", "%(count)s propositions", counts["proposal"]),
    ]
    return ", ".join(
        part % {"count": counts[key]}
        for part, key in zip(
            parts, ["theme", "trajectory", "question", "proposal"], strict=True
        )
    )


def import_report_message(counts):
    return _("Import terminé, ajouté : %(created)s.") % {
        "created": import_counts_text(counts)
    }
