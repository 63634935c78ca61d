"""Downloads: the open data, and workshop reports."""

import json

from django.http import (
    FileResponse,
    HttpResponse,
)
from django.shortcuts import get_object_or_404
from django.views.decorators.http import (
    require_GET,
)

from consultation.cache import cached
from trajectories import selectors as trajectory_selectors

from .. import opendata
from ..models import Workshop
from .pages import consultation_or_404


def _open_data_response(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def open_data_json(request, slug=None):
    consultation = consultation_or_404(slug)
    content = cached(
        "open-data-json",
        consultation.pk,
        lambda: json.dumps(
            opendata.consultation_document(consultation), ensure_ascii=False
        ),
    )
    return _open_data_response(content, "application/json", "consultation.json")


@require_GET
def open_data_csv(request, slug=None):
    consultation = consultation_or_404(slug)
    content = cached(
        "open-data-csv", consultation.pk, lambda: opendata.proposals_csv(consultation)
    )
    return _open_data_response(content, "text/csv; charset=utf-8", "proposals.csv")


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
