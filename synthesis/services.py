"""Building a consultation's synthesis and storing its files."""

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
from .models import PDF_NAME, XLSX_NAME, Synthesis, html_name
from .pdf import write_pdf
from .xlsx import write_xlsx

# The downloads speak the consultation's language; the page exists in each language.
DOCUMENT_LANGUAGE = "fr"


def synthesis_build(consultation):
    """
    Build the synthesis of `consultation` (PDF, workbook, and the page's body in each
    language) in a scratch folder, then store its files in the database and point its
    `Synthesis` row at them in one transaction, the previous build's files deleted in
    it: a reader gets either the previous complete set or the new one, and a failed
    build leaves the previous one as it was.
    """
    started = time.monotonic()
    folder = f"syntheses/{consultation.slug}/{uuid.uuid4().hex}"
    with tempfile.TemporaryDirectory(prefix="synthese-") as scratch:
        target = Path(scratch)
        with translation.override(DOCUMENT_LANGUAGE):
            content = synthesis_content(consultation)
            write_pdf(content, target / PDF_NAME)
            # The PDF's layout objects hold reference cycles: freed now, so that the
            # peaks of the steps do not add up (large tier: 444 → 368 MB).
            gc.collect()
            write_xlsx(content, target / XLSX_NAME)
            gc.collect()
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                html = render_to_string(
                    "synthesis/synthesis_document.html",
                    {"content": content, "method": method_paragraphs(content)},
                )
            (target / html_name(language)).write_text(html, encoding="utf-8")
        with transaction.atomic():
            for path in sorted(target.iterdir()):
                with path.open("rb") as built:
                    file_store(f"{folder}/{path.name}", built)
            previous = (
                Synthesis.objects.select_for_update()
                .filter(consultation=consultation)
                .first()
            )
            synthesis, _created = Synthesis.objects.update_or_create(
                consultation=consultation,
                defaults={
                    "folder": folder,
                    "built_at": timezone.now(),
                    "build_seconds": round(time.monotonic() - started, 2),
                    "proposal_count": content.figures["proposals"],
                    "pdf_size": (target / PDF_NAME).stat().st_size,
                    "xlsx_size": (target / XLSX_NAME).stat().st_size,
                },
            )
            if previous is not None:
                StoredFile.objects.filter(
                    name__startswith=f"{previous.folder}/"
                ).delete()
            content_changed(consultation.pk)  # cached copies of the page are stale
    return synthesis
