"""The synthesis page and its downloads, read from the stored files of the latest
build (`consultation.storage`)."""

from django.core.files.storage import default_storage
from django.http import Http404
from django.utils.translation import get_language
from django.views.generic import TemplateView

from consultation.models import StoredFile
from consultation.storage import stored_file_response
from trajectories.selectors import consultation_or_404

from .models import PDF_NAME, XLSX_NAME, Synthesis, html_name

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def latest_file(consultation, names):
    """(synthesis, stored name) of the latest build, trying `names` in turn; (None,
    None) before the first build."""
    synthesis = Synthesis.objects.filter(consultation=consultation).first()
    if synthesis is None:
        return None, None
    stored = set(
        StoredFile.objects.filter(
            name__in=[synthesis.file_name(name) for name in names]
        ).values_list("name", flat=True)
    )
    for name in names:
        if synthesis.file_name(name) in stored:
            return synthesis, synthesis.file_name(name)
    raise Http404


class SynthesisView(TemplateView):
    """The latest synthesis of a consultation, or a sentence saying there is none."""

    template_name = "synthesis/synthesis_detail.html"

    def get_context_data(self, **kwargs):
        consultation = consultation_or_404(self.kwargs["slug"])
        synthesis, name = latest_file(
            consultation, [html_name(get_language() or "fr"), html_name("fr")]
        )
        body = None
        if name is not None:
            with default_storage.open(name) as file:
                body = file.read().decode()
        return super().get_context_data(
            consultation=consultation, synthesis=synthesis, body=body, **kwargs
        )


def _download(request, slug, name, content_type, extension):
    consultation = consultation_or_404(slug)
    synthesis, stored = latest_file(consultation, [name])
    if synthesis is None:
        raise Http404
    return stored_file_response(
        request,
        stored,
        filename=f"synthese-{slug}-{synthesis.built_at:%Y-%m-%d}.{extension}",
        content_type=content_type,
        last_modified=synthesis.built_at,
    )


def synthesis_pdf(request, slug):
    return _download(request, slug, PDF_NAME, "application/pdf", "pdf")


def synthesis_xlsx(request, slug):
    return _download(request, slug, XLSX_NAME, XLSX_TYPE, "xlsx")
