"""Documents for upload tests: a real PDF, and files that only pretend to be one."""

import io

from reportlab.pdfgen import canvas


def pdf_document(text="Compte rendu de l’atelier de Rennes"):
    """The bytes of a one-page PDF that says `text`."""
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer, invariant=True)  # the same bytes every time
    document.drawString(72, 720, text)
    document.showPage()
    document.save()
    return buffer.getvalue()


HTML_PAGE = (
    b"<!doctype html><html><body><h1>Compte rendu</h1>"
    b"<script src='/ateliers/2/compte-rendu/'></script></body></html>"
)

# Files a report upload must refuse: name -> bytes.
NOT_PDF = {
    "compte-rendu.html": HTML_PAGE,
    "compte-rendu.svg": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)'
        b"</script></svg>"
    ),
    "compte-rendu.js": b"fetch('/mon-espace/mes-donnees.json').then(r => r.text())",
    # An HTML page renamed: the name says PDF, the bytes do not.
    "compte-rendu-renomme.pdf": HTML_PAGE,
    # The magic number, then nothing a PDF reader can parse.
    "faux.pdf": b"%PDF-1.7\n<html><script>alert(1)</script></html>",
}
