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

from . import pdf_style as pdf

BAR = 11  # a bar's height, in points
GAP = 5
LABEL_WIDTH = 150
SIZE = 7.5


def _fit(text, font, size, width):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    text = pdf.printable(text)
    while stringWidth(text, font, size) > width and len(text) > 4:
        text = text[:-2].rstrip() + "…"
    return text


def key_figures(items, width):
    """The cover's figures: a big number over its label, side by side."""
    styles = pdf.styles()
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
    trajectories = list(content.trajectories())
    if not trajectories:
        yield pdf.paragraph(_("Aucun vote."), pdf.styles()["body"])
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


def _ranked_bars(rows, width):
    """Horizontal bars, longest first: rows of (label, value, shown)."""
    height = len(rows) * (BAR + GAP) + 8
    drawing = Drawing(width, height, initialFontName=pdf.FONT)
    bar_width = width - LABEL_WIDTH - 60
    largest = max((value for _label, value, _shown in rows), default=0) or 1
    y = height
    for label, value, shown in rows:
        y -= BAR + GAP
        length = bar_width * value / largest
        drawing.add(String(0, y + 3, _fit(label, pdf.FONT, SIZE, LABEL_WIDTH - 6),
                           fontName=pdf.FONT, fontSize=SIZE))  # fmt: skip
        drawing.add(Rect(LABEL_WIDTH, y, length, BAR,
                         fillColor=pdf.ACCENT, strokeColor=None))  # fmt: skip
        drawing.add(String(LABEL_WIDTH + length + 4, y + 3, shown,
                           fontName=pdf.FONT, fontSize=SIZE))  # fmt: skip
    return drawing


def region_support(content, width):
    """Regions by approval, highest first, against the national figure."""
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
        yield pdf.paragraph(_("Aucun vote."), pdf.styles()["body"])
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
    yield _gap_bars(rows, width, national)
    yield Spacer(0, 4)
    yield Paragraph(
        pdf.escape(
            _(
                "L'écart de chaque région à l'adhésion nationale (%(national)s), en "
                "points : à droite les régions qui soutiennent plus, à gauche moins."
            )
            % {"national": percent(national)}
        ),
        pdf.styles()["meta"],
    )


def _gap_bars(rows, width, national):
    """Bars from the national figure to each region's, scaled to the furthest region,
    so that regions a few points apart still read apart (as on the results' map)."""
    height = len(rows) * (BAR + GAP) + 14
    drawing = Drawing(width, height, initialFontName=pdf.FONT)
    centre = LABEL_WIDTH + (width - LABEL_WIDTH) / 2
    half = (width - LABEL_WIDTH) / 2 - 45  # room for the figures beyond the bars
    furthest = max(abs(value - national) for _label, value, _shown in rows) or 1
    y = height - 12
    for label, value, shown in rows:
        y -= BAR + GAP
        gap = value - national
        drawing.add(String(0, y + 3, _fit(label, pdf.FONT, SIZE, LABEL_WIDTH - 6),
                           fontName=pdf.FONT, fontSize=SIZE))  # fmt: skip
        length = half * gap / furthest
        colour = pdf.ABOVE if gap > 0 else pdf.BELOW
        drawing.add(Rect(min(centre, centre + length), y, abs(length), BAR,
                         fillColor=colour, strokeColor=None))  # fmt: skip
        sign = "+" if gap > 0 else "–" if gap < 0 else "±"  # the font has no U+2212
        figure = f"{shown} ({sign}{number_format(abs(gap))})"
        if gap >= 0:
            drawing.add(String(centre + length + 4, y + 3, figure,
                               fontName=pdf.FONT, fontSize=SIZE))  # fmt: skip
        else:
            drawing.add(String(centre + length - 4, y + 3, figure, fontName=pdf.FONT,
                               fontSize=SIZE, textAnchor="end"))  # fmt: skip
    drawing.add(Line(centre, 0, centre, height - 10, strokeColor=pdf.INK,
                     strokeWidth=0.75, strokeDashArray=[2, 2]))  # fmt: skip
    label = _("France : %(value)s") % {"value": percent(national)}
    drawing.add(String(centre, height - 8, label, fontName=pdf.FONT,
                       fontSize=SIZE - 0.5, textAnchor="middle"))  # fmt: skip
    return drawing


def type_participation(content, width):
    """Votes by organisation type, most first."""
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
        yield pdf.paragraph(_("Aucun vote."), pdf.styles()["body"])
        return
    yield _ranked_bars(rows, width)
    yield Spacer(0, 4)
    yield Paragraph(
        pdf.escape(str(_("Nombre de votes par type d'organisation."))),
        pdf.styles()["meta"],
    )


__all__ = ["colors", "key_figures", "region_support", "trajectory_support"]
