"""
The synthesis PDF's figures, drawn as vector graphics: the key figures of the cover,
support per trajectory (the three choices, stacked), support by region (ranked, with
the national figure) and participation by organisation type.
"""

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from consultation.templatetags.typography import percent
from proposals.ranking import approval_share

BAR = 11  # a bar's height, in points
GAP = 5
LABEL_WIDTH = 150
SIZE = 7.5


def _colours():
    from . import pdf

    return pdf


def _fit(text, font, size, width):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    text = _colours().printable(text)
    while stringWidth(text, font, size) > width and len(text) > 4:
        text = text[:-2].rstrip() + "…"
    return text


def key_figures(items, width):
    """The cover's figures: a big number over its label, side by side."""
    pdf = _colours()
    styles = pdf._styles()
    number_style = styles["title"].clone(
        "figure", fontSize=22, leading=26, textColor=pdf.ACCENT
    )
    cells = [
        [
            Paragraph(pdf.escape(str(value)), number_style),
            Paragraph(pdf.escape(str(label)), styles["small"]),
        ]
        for value, label in items
    ]
    table = Table([cells], colWidths=[width / len(items)] * len(items))
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), pdf.FONT, 9),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEABOVE", (0, 0), (-1, 0), 2, pdf.ACCENT),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _legend(drawing, y, pdf):
    x = 0
    for label, colour in (
        (_("D'accord"), pdf.AGREE),
        (_("Mitigé"), pdf.MIXED),
        (_("Pas d'accord"), pdf.DISAGREE),
    ):
        drawing.add(Rect(x, y, 8, 8, fillColor=colour, strokeColor=None))
        drawing.add(String(x + 11, y + 1, str(label), fontName=pdf.FONT, fontSize=SIZE))
        x += 80


def trajectory_support(content, width):
    """One stacked bar a trajectory: the shares of « D'accord », « Mitigé », « Pas
    d'accord », and its approval at the end."""
    pdf = _colours()
    trajectories = list(content.trajectories())
    if not trajectories:
        yield pdf._Renderer(content).paragraph(_("Aucun vote."))
        return
    height = len(trajectories) * (BAR + GAP) + 20
    drawing = Drawing(width, height, initialFontName=pdf.FONT)
    bar_width = width - LABEL_WIDTH - 40
    y = height - 20
    _legend(drawing, y + 6, pdf)
    for trajectory in trajectories:
        y -= BAR + GAP
        counts = [trajectory._sum(name) for name in ("agree", "mixed", "disagree")]
        total = sum(counts)
        label = _fit(
            f"{trajectory.number}. {trajectory.title}", pdf.FONT, SIZE, LABEL_WIDTH - 6
        )
        drawing.add(String(0, y + 3, label, fontName=pdf.FONT, fontSize=SIZE))
        x = LABEL_WIDTH
        if not total:
            drawing.add(Rect(x, y, bar_width, BAR, fillColor=pdf.ROW_SHADE,
                             strokeColor=pdf.RULE, strokeWidth=0.25))  # fmt: skip
            drawing.add(String(x + 4, y + 3, str(_("Aucun vote")),
                               fontName=pdf.FONT, fontSize=SIZE))  # fmt: skip
            continue
        for count, colour in zip(
            counts, (pdf.AGREE, pdf.MIXED, pdf.DISAGREE), strict=True
        ):
            share = bar_width * count / total
            drawing.add(Rect(x, y, share, BAR, fillColor=colour, strokeColor=None))
            x += share
        approval = round(100 * approval_share(*counts))
        drawing.add(
            String(width, y + 3, percent(approval), fontName=pdf.FONT_BOLD,
                   fontSize=SIZE, textAnchor="end")
        )  # fmt: skip
    yield drawing
    yield Spacer(0, 4)


def _ranked_bars(rows, width, *, national=None, value_label):
    """Horizontal bars, longest first: rows of (label, value, shown)."""
    pdf = _colours()
    height = len(rows) * (BAR + GAP) + 8
    drawing = Drawing(width, height, initialFontName=pdf.FONT)
    bar_width = width - LABEL_WIDTH - 60
    largest = max((value for _label, value, _shown in rows), default=0) or 1
    scale = 100 if national is not None else largest
    y = height
    for label, value, shown in rows:
        y -= BAR + GAP
        drawing.add(String(0, y + 3, _fit(label, pdf.FONT, SIZE, LABEL_WIDTH - 6),
                           fontName=pdf.FONT, fontSize=SIZE))  # fmt: skip
        drawing.add(Rect(LABEL_WIDTH, y, bar_width * value / scale, BAR,
                         fillColor=pdf.ACCENT, strokeColor=None))  # fmt: skip
        drawing.add(String(LABEL_WIDTH + bar_width * value / scale + 4, y + 3, shown,
                           fontName=pdf.FONT, fontSize=SIZE))  # fmt: skip
    if national is not None:
        x = LABEL_WIDTH + bar_width * national / scale
        drawing.add(Line(x, 0, x, height, strokeColor=pdf.INK, strokeWidth=0.75,
                         strokeDashArray=[2, 2]))  # fmt: skip
        label = value_label % {"value": percent(national)}
        drawing.add(String(x + 2, height - 2, label, fontName=pdf.FONT,
                           fontSize=SIZE - 1))  # fmt: skip
    return drawing


def region_support(content, width):
    """Regions by approval, highest first, against the national figure."""
    pdf = _colours()
    table = content.cross_table
    names = dict(table.regions)
    rows = sorted(
        (
            (names[code], values["approval"], percent(values["approval"]))
            for code, values in table.region_totals.items()
            if values and values["votes"]
        ),
        key=lambda row: -row[1],
    )
    if not rows:
        yield pdf._Renderer(content).paragraph(_("Aucun vote."))
        return
    votes = sum(values["votes"] for values in table.region_totals.values() if values)
    national = round(
        sum(
            values["approval"] * values["votes"]
            for values in table.region_totals.values()
            if values
        )
        / votes
    )
    yield _ranked_bars(
        rows, width, national=national, value_label=_("France : %(value)s")
    )


def type_participation(content, width):
    """Votes by organisation type, most first."""
    pdf = _colours()
    table = content.cross_table
    labels = dict(table.types)
    rows = sorted(
        (
            (str(labels[value]), values["votes"],
             number_format(values["votes"], force_grouping=True))
            for value, values in table.type_totals.items()
            if values and values["votes"]
        ),
        key=lambda row: -row[1],
    )  # fmt: skip
    if not rows:
        yield pdf._Renderer(content).paragraph(_("Aucun vote."))
        return
    yield _ranked_bars(rows, width, value_label="")
    yield Spacer(0, 4)
    yield Paragraph(
        pdf.escape(str(_("Nombre de votes par type d'organisation."))),
        pdf._styles()["meta"],
    )


__all__ = ["colors", "key_figures", "region_support", "trajectory_support"]
