"""
The synthesis PDF's look, shared by its text (`pdf`) and its charts (`pdf_charts`):
colours, the embedded type family, paragraph styles, and the guard that keeps every
printed character in the font.
"""

from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph

__all__ = ["escape"]  # re-exported: every text the PDF prints is escaped with it

MARGIN = 15 * mm
INK = colors.HexColor("#1d2433")
MUTED = colors.HexColor("#4a5468")
RULE = colors.HexColor("#c9ced8")
HEADER_FILL = colors.HexColor("#e8ecf3")

# The site's typeface (static/fonts/noto-sans, SIL Open Font License): Unicode
# TrueType fonts, so that French text (« », œ, ’, the narrow no-break space of
# « 1 000 ») prints as typed. ReportLab's C accelerator measures their widths.
FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts" / "noto-sans"
FONT, FONT_BOLD, FONT_ITALIC = "NotoSans", "NotoSans-Bold", "NotoSans-Italic"
FONT_FILES = {
    FONT: FONT_DIR / "NotoSans-Regular.ttf",
    FONT_BOLD: FONT_DIR / "NotoSans-Bold.ttf",
    FONT_ITALIC: FONT_DIR / "NotoSans-Italic.ttf",
}
ACCENT = colors.HexColor("#0b5563")
AGREE, MIXED, DISAGREE = (colors.HexColor(c) for c in ("#1b6e3a", "#7a5800", "#b02a37"))
ROW_SHADE = colors.HexColor("#f3f6f4")
# Above and below the national figure, as on the results' map (static/css/site.css).
ABOVE, BELOW = colors.HexColor("#01665e"), colors.HexColor("#8c510a")


def register_fonts():
    if FONT not in pdfmetrics.getRegisteredFontNames():
        for name, path in FONT_FILES.items():
            pdfmetrics.registerFont(TTFont(name, path))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC
        )


def printable(text):
    """`text` with the characters the font lacks (emoji, scripts it does not cover)
    replaced by « ? », so that no empty box prints."""
    glyphs = pdfmetrics.getFont(FONT).face.charToGlyph
    if all(ord(char) in glyphs for char in text):
        return text
    return "".join(
        char if ord(char) in glyphs or char == "\n" else "?" for char in text
    )


def styles():
    body = ParagraphStyle(
        "body",
        fontName=FONT,
        bulletFontName=FONT,
        fontSize=9,
        leading=12,
        textColor=INK,
    )
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5),
        "meta": ParagraphStyle(
            "meta", parent=body, fontSize=6.5, leading=8.5, textColor=MUTED
        ),
        "cell_head": ParagraphStyle(
            "cell_head", parent=body, fontName=FONT_BOLD, fontSize=6.5, leading=8
        ),
        "number_head": ParagraphStyle(
            "number_head",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=6.5,
            leading=8,
            alignment=TA_RIGHT,
        ),
        "title": ParagraphStyle(
            "title", parent=body, fontName=FONT_BOLD, fontSize=20, leading=25
        ),
        "cover_title": ParagraphStyle(
            "cover_title", parent=body, fontName=FONT_BOLD, fontSize=28, leading=34,
            textColor=ACCENT, spaceAfter=8,
        ),
        "kicker": ParagraphStyle(
            "kicker", parent=body, fontName=FONT_BOLD, fontSize=11, leading=14,
            textColor=MUTED, spaceAfter=6,
        ),
        "cover_meta": ParagraphStyle(
            "cover_meta", parent=body, fontSize=11, leading=15, textColor=MUTED
        ),
        "h1": ParagraphStyle(
            "h1", parent=body, fontName=FONT_BOLD, keepWithNext=1,
            fontSize=15, leading=19,
            spaceBefore=8, spaceAfter=6,
        ),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName=FONT_BOLD, keepWithNext=1,
            fontSize=12.5, leading=16,
            spaceBefore=6, spaceAfter=4,
        ),
        "h3": ParagraphStyle(
            "h3", parent=body, fontName=FONT_BOLD, keepWithNext=1,
            fontSize=9.5, leading=12,
            spaceBefore=8, spaceAfter=4,
        ),
    }  # fmt: skip


def paragraph(text, style):
    """`text` as a paragraph of `style`, escaped and printable."""
    return Paragraph(escape(printable(str(text))), style)
