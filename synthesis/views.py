"""The synthesis pages and their downloads, national and regional, read from the
stored files of the latest build (`consultation.storage`)."""

from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.views.generic import TemplateView

from consultation.models import Region, StoredFile
from consultation.storage import stored_file_response
from trajectories.selectors import consultation_or_404

from .models import PDF_NAME, XLSX_NAME, RegionalSynthesis, Synthesis, html_name

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def latest_file(consultation, names, region=None):
    """(synthesis, stored name) of the latest build (the region's, given one), trying
    `names` in turn; (None, None) before the first build."""
    if region is None:
        synthesis = Synthesis.objects.filter(consultation=consultation).first()
    else:
        synthesis = RegionalSynthesis.objects.filter(
            consultation=consultation, region=region
        ).first()
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


def _region(code):
    return None if code is None else get_object_or_404(Region, code=code)


class SynthesisView(TemplateView):
    """The latest synthesis of a consultation (of one of its regions, addressed by
    its code), or a sentence saying there is none yet."""

    template_name = "synthesis/synthesis_detail.html"

    def get_context_data(self, **kwargs):
        consultation = consultation_or_404(self.kwargs["slug"])
        region = _region(self.kwargs.get("code"))
        synthesis, name = latest_file(
            consultation, [html_name(get_language() or "fr"), html_name("fr")], region
        )
        body = None
        if name is not None:
            with default_storage.open(name) as file:
                body = file.read().decode()
        return super().get_context_data(
            consultation=consultation,
            region=region,
            synthesis=synthesis,
            body=body,
            **kwargs,
        )


def _download(request, slug, name, content_type, extension, code=None):
    consultation = consultation_or_404(slug)
    region = _region(code)
    synthesis, stored = latest_file(consultation, [name], region)
    if synthesis is None:
        raise Http404
    of = slug if region is None else f"{slug}-region-{region.code}"
    return stored_file_response(
        request,
        stored,
        filename=f"synthese-{of}-{synthesis.built_at:%Y-%m-%d}.{extension}",
        content_type=content_type,
        last_modified=synthesis.built_at,
    )


def synthesis_pdf(request, slug, code=None):
    return _download(request, slug, PDF_NAME, "application/pdf", "pdf", code)


def synthesis_xlsx(request, slug, code=None):
    return _download(request, slug, XLSX_NAME, XLSX_TYPE, "xlsx", code)
