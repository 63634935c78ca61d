"""Building a consultation's syntheses, national and regional, and storing their
files."""

import gc
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from consultation.cache import content_changed
from consultation.models import StoredFile
from consultation.storage import file_store

from .content import method_paragraphs, synthesis_content
from .models import PDF_NAME, XLSX_NAME, RegionalSynthesis, Synthesis, html_name
from .pdf import write_pdf, write_regional_pdf
from .regional import regional_contents, regional_method_paragraphs
from .xlsx import write_regional_xlsx, write_xlsx

# The downloads speak the consultation's language; the page exists in each language.
DOCUMENT_LANGUAGE = "fr"


def _write_files(target, content, *, pdf, xlsx, template, method, collect=True):
    """The PDF, the workbook and the page's body in each language, into `target`.
    `collect`: free the PDF's garbage between the steps (worth it for a large
    document only: a full collection costs more the more the process holds)."""
    with translation.override(DOCUMENT_LANGUAGE):
        pdf(content, target / PDF_NAME)
        # The PDF's layout objects hold reference cycles: freed now, so that the
        # peaks of the steps do not add up (large tier: 444 → 368 MB).
        if collect:
            gc.collect()
        xlsx(content, target / XLSX_NAME)
        if collect:
            gc.collect()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            html = render_to_string(
                template, {"content": content, "method": method(content)}
            )
        (target / html_name(language)).write_text(html, encoding="utf-8")


def publish(model, lookup, folder, target, *, started, proposal_count):
    """
    Store the files built in `target` under `folder` and point the `model` row found
    by `lookup` at them, in one transaction that deletes the previous build's files:
    a reader gets either the previous complete set or the new one, and a failed build
    leaves the previous one as it was.
    """
    with transaction.atomic():
        for path in sorted(target.iterdir()):
            with path.open("rb") as built:
                file_store(f"{folder}/{path.name}", built)
        previous = model.objects.select_for_update().filter(**lookup).first()
        synthesis, _created = model.objects.update_or_create(
            **lookup,
            defaults={
                "folder": folder,
                "built_at": timezone.now(),
                "build_seconds": round(time.monotonic() - started, 2),
                "proposal_count": proposal_count,
                "pdf_size": (target / PDF_NAME).stat().st_size,
                "xlsx_size": (target / XLSX_NAME).stat().st_size,
            },
        )
        if previous is not None:
            StoredFile.objects.filter(name__startswith=f"{previous.folder}/").delete()
        content_changed(lookup["consultation"].pk)  # cached pages are stale
    return synthesis


def synthesis_build(consultation):
    """Build the synthesis of `consultation` (PDF, workbook, and the page's body in
    each language) in a scratch folder, then `publish` it."""
    started = time.monotonic()
    folder = f"syntheses/{consultation.slug}/{uuid.uuid4().hex}"
    with tempfile.TemporaryDirectory(prefix="synthese-") as scratch:
        target = Path(scratch)
        with translation.override(DOCUMENT_LANGUAGE):
            content = synthesis_content(consultation)
        _write_files(
            target,
            content,
            pdf=write_pdf,
            xlsx=write_xlsx,
            template="synthesis/synthesis_document.html",
            method=method_paragraphs,
        )
        return publish(
            Synthesis,
            {"consultation": consultation},
            folder,
            target,
            started=started,
            proposal_count=content.figures["proposals"],
        )


def regional_syntheses_build(consultation, regions=None):
    """
    Build the synthesis of each region of `regions` (every region by default) for
    `consultation`, from one reading of the consultation (`regional_contents`), each
    published on its own as it is built (`publish`). Yield each `RegionalSynthesis`.
    """
    started = time.monotonic()
    for content in regional_contents(consultation, regions):
        region = content.region
        folder = f"syntheses/{consultation.slug}/regions/{region.pk}/{uuid.uuid4().hex}"
        with tempfile.TemporaryDirectory(prefix="synthese-region-") as scratch:
            target = Path(scratch)
            _write_files(
                target,
                content,
                pdf=write_regional_pdf,
                xlsx=write_regional_xlsx,
                template="synthesis/regional_synthesis_document.html",
                method=regional_method_paragraphs,
                collect=False,
            )
            yield publish(
                RegionalSynthesis,
                {"consultation": consultation, "region": region},
                folder,
                target,
                started=started,
                proposal_count=content.figures["proposals"],
            )
        started = time.monotonic()
