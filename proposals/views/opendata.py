"""Downloads: the open data, and workshop reports."""

import hashlib
import json
from functools import wraps

from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import (
    require_GET,
)
from django.views.generic import TemplateView

from consultation.cache import cached
from consultation.downloads import prepared_file, prepared_response
from consultation.models import Region, regions_in_french_order
from consultation.storage import stored_file_response
from trajectories import selectors as trajectory_selectors

from .. import opendata, reports
from ..models import Workshop

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _export(request, consultation, name, build, *, content_type, filename, **kwargs):
    """A prepared export (`consultation.downloads`): ETag, 304, gzip when accepted.
    `filename` set: downloaded under that name; else shown in the browser."""

    def prepare():
        return prepared_file(build(), **kwargs)

    prepared = cached(name, consultation.pk, prepare)
    response = prepared_response(
        request, prepared, content_type=content_type, rebuild=prepare
    )
    response["Content-Disposition"] = filename
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _inline(name):
    return f'inline; filename="{name}"'


def _dated(kind, consultation, extension):
    """Saved as a file whose name says which consultation and which day."""
    day = f"{timezone.localdate():%Y-%m-%d}"
    return f'attachment; filename="{kind}-{consultation.slug}-{day}.{extension}"'


def _stable_json(name, consultation, document):
    """`document` as JSON, its `generated_at` kept from the previous build while
    nothing else in it changed: an export that did not change keeps its bytes, and so
    its ETag (a client that holds it gets a 304 until something changes)."""
    body = json.dumps(document, ensure_ascii=False)
    generated_at = document["generated_at"]
    # The timestamp comes before any proposal: its first occurrence is its own.
    digest = hashlib.sha256(body.replace(generated_at, "", 1).encode()).hexdigest()
    key = f"{name}-generated-at:{consultation.pk}"
    previous = cache.get(key)
    if previous is not None and previous[0] == digest:
        return body.replace(generated_at, previous[1], 1)
    cache.set(key, (digest, generated_at), timeout=None)
    return body


def regional(view):
    """An export of a consultation, or with `?region=<code>`, of one region's part of
    it. An unknown code answers 404; a region written otherwise (spaces, repeated,
    with other parameters) is sent to its one canonical address, so that each
    export has one cached copy and one ETag."""

    @wraps(view)
    def export(request, slug=None):
        consultation = trajectory_selectors.consultation_or_404(slug)
        codes = request.GET.getlist("region")
        if not codes:
            return view(request, consultation, None, "")
        region = Region.objects.filter(code=codes[0].strip()).first()
        if region is None:
            raise Http404
        if codes != [region.pk] or len(request.GET) > 1:
            return redirect(f"{request.path}?region={region.pk}", permanent=True)
        return view(request, consultation, region, f"-region-{region.pk}")

    return require_GET(export)


@regional
def open_data_json(request, consultation, region, part):
    name = f"open-data-json{part}"
    return _export(
        request,
        consultation,
        name,
        lambda: _stable_json(
            name, consultation, opendata.consultation_document(consultation, region)
        ),
        content_type="application/json",
        filename=_inline(f"consultation{part}.json"),
    )


@regional
def open_data_csv(request, consultation, region, part):
    return _export(
        request,
        consultation,
        f"open-data-csv{part}",
        lambda: opendata.proposals_csv(consultation, region),
        content_type="text/csv; charset=utf-8",
        filename=_dated(f"propositions{part}", consultation, "csv"),
    )


@regional
def open_data_xlsx(request, consultation, region, part):
    return _export(
        request,
        consultation,
        f"open-data-xlsx{part}",
        lambda: opendata.proposals_xlsx(consultation, region),
        content_type=XLSX_TYPE,
        filename=_dated(f"propositions{part}", consultation, "xlsx"),
        compress=False,  # a workbook is a zip already: no gzip on top
    )


@regional
def open_data_arguments_json(request, consultation, region, part):
    name = f"open-data-arguments-json{part}"
    return _export(
        request,
        consultation,
        name,
        lambda: _stable_json(
            name, consultation, opendata.arguments_document(consultation, region)
        ),
        content_type="application/json",
        filename=_inline(f"arguments{part}.json"),
    )


@regional
def open_data_arguments_csv(request, consultation, region, part):
    return _export(
        request,
        consultation,
        f"open-data-arguments-csv{part}",
        lambda: opendata.arguments_csv(consultation, region),
        content_type="text/csv; charset=utf-8",
        filename=_dated(f"arguments{part}", consultation, "csv"),
    )


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
            regions=regions_in_french_order(),
            **kwargs,
        )


@require_GET
def workshop_report(request, pk):
    """A workshop's report, at a stable address (public, like its proposals), always
    as a download: see `proposals.reports`."""
    workshop = get_object_or_404(
        Workshop.objects.filter(
            consultation__in=trajectory_selectors.consultation_public_list()
        ).exclude(report=""),
        pk=pk,
    )
    try:
        with workshop.report.open("rb") as report:
            content_type = reports.served_content_type(report)
    except FileNotFoundError:
        raise Http404 from None
    response = stored_file_response(
        request,
        workshop.report.name,
        filename=(
            f"compte-rendu-atelier-{workshop.pk}.pdf"
            if content_type == reports.PDF_CONTENT_TYPE
            else workshop.report.name.rsplit("/", 1)[-1]
        ),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
