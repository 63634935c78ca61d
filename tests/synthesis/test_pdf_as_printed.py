"""
The synthesis PDF as a reader holds it, on data with every state: one embedded type
family and every glyph in it, a cover with the key figures, « page N sur M », charts,
French numbers, headers never broken inside a word.
"""

import io
import re

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import TTFontFile

from consultation.models import regions_in_french_order
from synthesis.pdf_style import FONT_FILES
from synthesis.services import synthesis_build
from tests.synthesis.test_synthesis import download

pytestmark = pytest.mark.django_db

STANDARD_14 = {
    "Courier", "Helvetica", "Times", "Symbol", "ZapfDingbats", "Times-Roman",
}  # fmt: skip


@pytest.fixture
def pdf(client, every_state):
    synthesis_build(every_state.consultation)
    _response, data = download(client, "synthesis_pdf", every_state.consultation)
    return PdfReader(io.BytesIO(data))


def _fonts(reader):
    fonts = {}

    def collect(resources):
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
        for xobject in resources.get("/XObject", {}).values():
            xobject = xobject.get_object()
            if "/Resources" in xobject:
                collect(xobject["/Resources"].get_object())

    for page in reader.pages:
        collect(page["/Resources"].get_object())
    return fonts


def test_one_embedded_type_family_and_no_standard_font(pdf):
    fonts = _fonts(pdf)
    assert fonts
    for name, font in fonts.items():
        base = name.split("+")[-1].lstrip("/")
        assert base.split("-")[0] not in STANDARD_14, name
        assert base.startswith("NotoSans"), name
        descriptor = font.get("/FontDescriptor")
        if descriptor is None:  # a composite font: its descendant holds it
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object(), name


def test_every_character_printed_is_in_the_font(pdf):
    covered = set()
    for path in FONT_FILES.values():
        covered |= set(TTFontFile(str(path)).charToGlyph)
    text = "".join(page.extract_text() for page in pdf.pages)
    missing = {char for char in text if ord(char) not in covered and char not in "\n"}
    assert missing == set()
    # Thousands are grouped with the narrow no-break space, which the font has.
    assert "1\u202f200" in text
    assert 0x202F in covered


def test_a_cover_a_contents_page_and_page_n_of_m(pdf, every_state):
    pages = [" ".join(page.extract_text().split()) for page in pdf.pages]
    total = len(pages)
    assert total >= 4
    cover = pages[0]
    assert every_state.consultation.title in " ".join(cover.split())
    for figure in ("Propositions publiées", "Votes", "Organisations"):
        assert figure in cover
    assert "Sommaire" in pages[1]
    assert re.search(r"Soutien par trajectoire\s*\.*\s*\d+", pages[1])
    for number, text in enumerate(pages[1:], start=2):
        assert f"page {number} sur {total}" in text, number


def test_charts_are_drawn(pdf):
    text = "".join(page.extract_text() for page in pdf.pages)
    for title in (
        "Soutien par trajectoire",
        "Soutien par région",
        "Participation par type d’organisation",
    ):
        assert title in text


def test_no_region_or_heading_is_broken_inside_a_word(pdf, every_state):
    text = "\n".join(page.extract_text() for page in pdf.pages)
    lines = set(text.split("\n"))
    for region in regions_in_french_order():
        if region.name in text:
            continue
        # Absent regions are fine; a broken one shows as a line ending mid-name.
        assert not any(
            line.endswith(region.name[: len(region.name) // 2]) for line in lines
        ), region.name
    assert "Bourgogne-Franche-Comté" in text
    assert "Associ\nation" not in text


def _words_as_laid_out(paragraph, width):
    """The words of a wrapped paragraph, line by line, as ReportLab cut them."""
    paragraph.wrap(width, 10_000)
    words = []
    for line in paragraph.blPara.lines:
        if isinstance(line, tuple):
            words += line[1]
        else:
            words += [w for fragment in line.words for w in fragment.text.split()]
    return words


def test_the_cross_table_never_breaks_a_word_and_fits_the_page(every_state):
    """Headers broken mid-word (« Associ/ation », « Bourgogne-Franche-Com/té ») when
    all eleven types of organisation have voted."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import LongTable, Paragraph

    from synthesis import pdf
    from synthesis.content import synthesis_content

    pdf.register_fonts()
    renderer = pdf._Renderer(synthesis_content(every_state.consultation))
    [table] = [f for f in renderer.cross_table() if isinstance(f, LongTable)]
    widths = table._colWidths
    assert len(widths) == 1 + 11 + 1  # region, every type, « Ensemble »
    assert sum(widths) <= renderer.width + 0.01
    padding = pdf.CELL_PADDING
    header, *rows = table._cellvalues
    labels = []
    for cell, width in zip(header, widths, strict=True):
        if isinstance(cell, Paragraph):
            text = cell.getPlainText()
            assert _words_as_laid_out(cell, width - 2 * padding) == text.split()
            labels.append(text)
        else:  # upright: every line within the header's length, every word whole
            assert " ".join(cell.lines).split() == cell.text.split()
            for line in cell.lines:
                assert stringWidth(line, cell.font, cell.size) <= cell.length
            assert cell.wrap(width, 10_000)[0] <= width - 2 * pdf.COMPACT_PADDING
            labels.append(" ".join(cell.lines))
    assert "Réseau ou fédération (CRESS, têtes de réseau)" in labels
    assert "Association" in labels
    for row in rows:
        region, *figures = row
        text = region.getPlainText()
        assert _words_as_laid_out(region, widths[0] - 2 * padding) == text.split()
        for figure, width in zip(figures, widths[1:], strict=True):
            for line in str(figure).split("\n"):
                room = width - 2 * pdf.COMPACT_PADDING
                assert stringWidth(line, pdf.FONT, pdf.CROSS_FONT_SIZE) <= room, line
    assert any(row[0].getPlainText() == "Bourgogne-Franche-Comté" for row in rows)


def test_the_regions_chart_shows_each_region_s_gap_to_the_national_figure(pdf):
    """All regions between 59 and 63 %: bars from 0 to 100 % said nothing."""
    text = "".join(page.extract_text() for page in pdf.pages)
    assert re.search(r"France : \d+\u202f%", text)
    gaps = re.findall(r"\d+\u202f% \(([+–±])\d+\)", text)
    assert "+" in gaps and "–" in gaps, gaps  # above and below, each with its sign
    assert "L’écart de chaque région à l’adhésion nationale" in text


def test_every_page_looked_at_as_printed(pdf, tmp_path):
    """Each page rendered to an image (poppler's pdftoppm), as a reader's viewer does:
    as many pages as the file says, none blank, the cover with its key figures."""
    import os
    import shutil
    import subprocess

    from PIL import Image

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        message = "pdftoppm is missing: apt-get install poppler-utils"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    source = tmp_path / "synthese.pdf"
    source.write_bytes(pdf.stream.getvalue())
    subprocess.run(  # noqa: S603 (a fixed command on our own file)
        [pdftoppm, "-r", "30", "-gray", "-png", str(source), str(tmp_path / "page")],
        check=True,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(pdf.pages) >= 4
    for path in pages:
        ink = Image.open(path).point(lambda value: 255 if value < 200 else 0)
        assert ink.getbbox() is not None, f"{path.name} is blank"
    cover = pdf.pages[0].extract_text()
    assert cover.startswith("Synthèse de la consultation")
    assert "Propositions publiées" in cover and "Votes" in cover


def test_the_workbook_of_every_state_reads_as_typed_with_its_thousands(
    client, every_state
):
    from openpyxl import load_workbook

    from tests.every_state import POPULAR_TEXT, VOTERS

    synthesis_build(every_state.consultation)
    _response, data = download(client, "synthesis_xlsx", every_state.consultation)
    sheet = load_workbook(io.BytesIO(data))["Propositions"]
    header = [cell.value for cell in sheet[1]]
    rows = {
        row[header.index("Proposition")]: dict(zip(header, row, strict=True))
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    popular = rows[POPULAR_TEXT]  # apostrophes, « quotes » and & as typed
    assert popular["Votes"] >= VOTERS and isinstance(popular["Votes"], int)
    assert popular["Réponse officielle"] == "Retenue"
    answers = {row["Réponse officielle"] for row in rows.values()}
    assert {"Retenue", "Retenue en partie", "À l’étude", "Non retenue"} <= answers
    assert every_state["pending"].text not in rows  # only what is published


def test_every_regional_synthesis_of_every_state_prints_in_the_font(every_state):
    """Each region's PDF, on data with every state: every character printed is in
    the font (a negative gap once printed an empty box: the font has no minus sign),
    the thousands grouped, every answer and both directions of gap shown somewhere."""
    from django.core.files.storage import default_storage

    from synthesis.services import regional_syntheses_build

    covered = set()
    for path in FONT_FILES.values():
        covered |= set(TTFontFile(str(path)).charToGlyph)
    texts = []
    for synthesis in regional_syntheses_build(every_state.consultation):
        with default_storage.open(synthesis.file_name("synthese.pdf")) as file:
            reader = PdfReader(io.BytesIO(file.read()))
        text = "\n".join(page.extract_text() for page in reader.pages)
        missing = {c for c in text if ord(c) not in covered and c not in "\n"}
        assert missing == set(), (synthesis.region.name, missing)
        texts.append(re.sub(r"[ \n]+", " ", text))  # narrow spaces kept
    whole = "\n".join(texts)
    assert len(texts) == 18
    assert re.search(r"\b1\u202f\d{3}\b", whole)  # a count of a thousand or more
    for state in ("Retenue", "Retenue en partie", "À l’étude", "Non retenue"):
        assert f"Réponse : {state} —" in whole, state
    assert re.search(r"\+\d+ pts?\b", whole) and re.search(r"\u2013\d+ pts?\b", whole)
    # A trajectory without the region's proposals says so, and nothing else.
    assert "0 proposition" not in whole
