"""
Workshop reports are PDF documents, because they are served to anyone from the site's
own origin: a report is accepted only when its bytes are a PDF (the magic number, then
a parse that finds its pages), at most `REPORT_MAX_BYTES`, and is stored under a
generated name. It is served as a download (`Content-Disposition: attachment`,
`nosniff`): as `application/pdf` when its bytes are a PDF, as
`application/octet-stream` otherwise (a report stored before these rules).
"""

import uuid

from django.core.exceptions import ValidationError
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

MEGABYTE = 1024 * 1024
REPORT_MAX_BYTES = 20 * MEGABYTE
PDF_MAGIC = b"%PDF-"
PDF_CONTENT_TYPE = "application/pdf"
UNKNOWN_CONTENT_TYPE = "application/octet-stream"


def report_path(workshop, filename):
    """A generated name: nothing of the sender's file name reaches the disk."""
    return f"ateliers/{uuid.uuid4().hex}.pdf"


def report_check(upload):
    """Refuse an upload that is not a PDF document of at most `REPORT_MAX_BYTES`."""
    if upload.size > REPORT_MAX_BYTES:
        raise ValidationError(
            _(
                "Le compte rendu pèse %(size)s Mo : %(limit)s Mo au plus. Rien n’a été "
                "enregistré."
            )
            % {
                "size": floatformat(upload.size / MEGABYTE, 1),
                "limit": REPORT_MAX_BYTES // MEGABYTE,
            },
            code="too_large",
        )
    if not starts_as_pdf(upload) or not _pages(upload):
        raise ValidationError(
            _(
                "Le compte rendu doit être un document PDF : ce fichier n’en est pas "
                "un. Rien n’a été enregistré."
            ),
            code="not_pdf",
        )


def starts_as_pdf(file):
    """Whether `file`'s bytes begin with the PDF magic number (read, then rewound)."""
    file.seek(0)
    head = file.read(len(PDF_MAGIC))
    file.seek(0)
    return head == PDF_MAGIC


def _pages(file):
    """How many pages a parse of `file` finds (0 when it does not parse)."""
    from pypdf import PdfReader  # loaded by an upload's check, not at every start

    try:
        return len(PdfReader(file).pages)
    except Exception:  # noqa: BLE001 - whatever stops the parse, it is no PDF
        return 0
    finally:
        file.seek(0)


def served_content_type(file):
    """What a stored report is served as: a PDF as such, anything else as bytes."""
    return PDF_CONTENT_TYPE if starts_as_pdf(file) else UNKNOWN_CONTENT_TYPE
