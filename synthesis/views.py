"""The synthesis page and its downloads, read from the files of the latest build."""

from django.http import FileResponse, Http404
from django.utils.http import http_date
from django.utils.translation import get_language
from django.views.generic import TemplateView

from proposals.views.pages import consultation_or_404

from .models import PDF_NAME, XLSX_NAME, Synthesis, html_name

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def latest_file(consultation, names):
    """(synthesis, open file) of the latest build, trying `names` in turn; (None, None)
    before the first build. A build that ends meanwhile removes the folder that was
    just read, so the row is read again once."""
    for _attempt in range(2):
        synthesis = Synthesis.objects.filter(consultation=consultation).first()
        if synthesis is None:
            return None, None
        for name in names:
            try:
                return synthesis, synthesis.file_path(name).open("rb")
            except FileNotFoundError:
                continue
    raise Http404


class SynthesisView(TemplateView):
    """The latest synthesis of a consultation, or a sentence saying there is none."""

    template_name = "synthesis/synthesis_detail.html"

    def get_context_data(self, **kwargs):
        consultation = consultation_or_404(self.kwargs["slug"])
        synthesis, file = latest_file(
            consultation, [html_name(get_language() or "fr"), html_name("fr")]
        )
        body = None
        if file is not None:
            with file:
                body = file.read().decode()
        return super().get_context_data(
            consultation=consultation, synthesis=synthesis, body=body, **kwargs
        )


def _download(slug, name, content_type, extension):
    consultation = consultation_or_404(slug)
    synthesis, file = latest_file(consultation, [name])
    if synthesis is None:
        raise Http404
    response = FileResponse(
        file,
        as_attachment=True,
        filename=f"synthese-{slug}-{synthesis.built_at:%Y-%m-%d}.{extension}",
        content_type=content_type,
    )
    response["Last-Modified"] = http_date(synthesis.built_at.timestamp())
    return response


def synthesis_pdf(request, slug):
    return _download(slug, PDF_NAME, "application/pdf", "pdf")


def synthesis_xlsx(request, slug):
    return _download(slug, XLSX_NAME, XLSX_TYPE, "xlsx")
