"""Downloads: the open data, and workshop reports."""

import json

from django.http import (
    FileResponse,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import (
    require_GET,
)
from django.views.generic import TemplateView

from consultation.cache import cached
from consultation.downloads import prepared_file, prepared_response
from trajectories import selectors as trajectory_selectors

from .. import opendata
from ..models import Workshop
from .pages import consultation_or_404

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _open_data_response(request, prepared, content_type, disposition):
    """A prepared export (`consultation.downloads`): ETag, 304, gzip when accepted."""
    response = prepared_response(request, prepared, content_type=content_type)
    response["Content-Disposition"] = disposition
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _dated_download(request, consultation, prepared, content_type, extension):
    """Saved as a file whose name says which consultation and which day."""
    name = f"propositions-{consultation.slug}-{timezone.localdate():%Y-%m-%d}"
    return _open_data_response(
        request, prepared, content_type, f'attachment; filename="{name}.{extension}"'
    )


@require_GET
def open_data_json(request, slug=None):
    consultation = consultation_or_404(slug)
    prepared = cached(
        "open-data-json",
        consultation.pk,
        lambda: prepared_file(
            json.dumps(opendata.consultation_document(consultation), ensure_ascii=False)
        ),
    )
    return _open_data_response(
        request, prepared, "application/json", 'inline; filename="consultation.json"'
    )


@require_GET
def open_data_csv(request, slug=None):
    consultation = consultation_or_404(slug)
    prepared = cached(
        "open-data-csv",
        consultation.pk,
        lambda: prepared_file(opendata.proposals_csv(consultation)),
    )
    return _dated_download(
        request, consultation, prepared, "text/csv; charset=utf-8", "csv"
    )


@require_GET
def open_data_xlsx(request, slug=None):
    consultation = consultation_or_404(slug)
    prepared = cached(
        "open-data-xlsx",
        consultation.pk,
        # A workbook is a zip already: no gzip on top.
        lambda: prepared_file(opendata.proposals_xlsx(consultation), compress=False),
    )
    return _dated_download(request, consultation, prepared, XLSX_TYPE, "xlsx")


class OpenDataView(TemplateView):
    """What the exports hold, field by field, their licence and where they are."""

    template_name = "proposals/open_data.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            consultations=trajectory_selectors.consultation_public_list(),
            columns=[
                (name, *opendata.CSV_COLUMN_DESCRIPTIONS[name])
                for name in opendata.CSV_HEADER
            ],
            licence=opendata.LICENCE,
            **kwargs,
        )


@require_GET
def workshop_report(request, pk):
    """A workshop's report, at a stable address (public, like its proposals)."""
    workshop = get_object_or_404(
        Workshop.objects.filter(
            consultation__in=trajectory_selectors.consultation_public_list()
        ).exclude(report=""),
        pk=pk,
    )
    return FileResponse(
        workshop.report.open("rb"), filename=workshop.report.name.rsplit("/", 1)[-1]
    )
