"""
The synthesis as an A4 PDF, drawn with ReportLab from `content.SynthesisContent`: a
cover with the key figures, a contents page, charts (support per trajectory, by region,
participation by organisation type), then a page break before each trajectory, table
headers repeated on every page, « page N sur M » at the foot. One type family, Noto
Sans, embedded; the page numbers of the contents and the total are PDF forms filled
in when the document is saved, so that it is laid out once.

Long tables are cut into tables of `ROWS_PER_TABLE` rows: ReportLab splits one table
across pages in a time that grows with the square of its rows, many small ones in
linear time (35,000 proposals: minutes against seconds).
"""

from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.formats import date_format, number_format
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    Spacer,
    TableStyle,
)

from consultation.templatetags.typography import percent
from consultation.text import counted

from . import pdf_charts as charts
from . import pdf_contents as contents
from .content import method_paragraphs

ROWS_PER_TABLE = 200
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
TABLE_FONT, TABLE_FONT_BOLD = FONT, FONT_BOLD
ACCENT = colors.HexColor("#0b5563")
AGREE, MIXED, DISAGREE = (colors.HexColor(c) for c in ("#1b6e3a", "#7a5800", "#b02a37"))
ROW_SHADE = colors.HexColor("#f3f6f4")


def _register_fonts():
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


def _styles():
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
            "cell_head", parent=body, fontName=TABLE_FONT_BOLD, fontSize=6.5, leading=8
        ),
        "number_head": ParagraphStyle(
            "number_head",
            parent=body,
            fontName=TABLE_FONT_BOLD,
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
            "h1", parent=body, fontName=FONT_BOLD, fontSize=15, leading=19,
            spaceBefore=8, spaceAfter=6,
        ),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName=FONT_BOLD, fontSize=12.5, leading=16,
            spaceBefore=6, spaceAfter=4,
        ),
        "h3": ParagraphStyle(
            "h3", parent=body, fontName=FONT_BOLD, fontSize=9.5, leading=12,
            spaceBefore=8, spaceAfter=4,
        ),
    }  # fmt: skip


def _number(value):
    return number_format(value, force_grouping=True)


def _table(rows, widths, *, numeric_from=None):
    """A table whose first row is a header repeated on each page."""
    table = LongTable(rows, colWidths=widths, repeatRows=1)
    commands = [
        ("FONT", (0, 0), (-1, -1), FONT, 7.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ROW_SHADE]),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if numeric_from is not None:
        commands.append(("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"))
    table.setStyle(TableStyle(commands))
    return table


def _chunked_tables(header, rows, widths, *, numeric_from):
    for start in range(0, len(rows), ROWS_PER_TABLE):
        yield _table(
            [header, *rows[start : start + ROWS_PER_TABLE]],
            widths,
            numeric_from=numeric_from,
        )


class _Renderer:
    def __init__(self, content):
        self.content = content
        self.styles = _styles()
        self.width = A4[0] - 2 * MARGIN

    def paragraph(self, text, style="body"):
        return Paragraph(escape(printable(str(text))), self.styles[style])

    def heads(self, labels, numeric_from):
        return [
            Paragraph(
                escape(printable(str(label))),
                self.styles["number_head" if index >= numeric_from else "cell_head"],
            )
            for index, label in enumerate(labels)
        ]

    def story(self):
        yield from self.cover()
        yield PageBreak()
        yield from self.contents()
        yield PageBreak()
        yield self.section("method", _("Méthode et chiffres"))
        yield from self.opening()
        yield self.section("charts", _("Soutien par trajectoire"))
        yield from charts.trajectory_support(self.content, self.width)
        yield self.section("regions", _("Soutien par région"), "h2")
        yield from charts.region_support(self.content, self.width)
        yield self.section("types", _("Participation par type d'organisation"), "h2")
        yield from charts.type_participation(self.content, self.width)
        yield self.section("workshops", _("Ateliers régionaux"))
        yield from self.workshops()
        yield self.section("highlights", _("Ce qui rassemble toutes les régions"))
        yield from self.highlights()
        yield PageBreak()
        yield self.section("cross", _("Soutien par région et par type d'organisation"))
        yield from self.cross_table()
        yield self.section("coverage", _("Participation"))
        yield from self.coverage()
        for theme in self.content.themes:
            for index, trajectory in enumerate(theme.trajectories):
                yield PageBreak()
                if index == 0:
                    yield self.paragraph(theme.title, "h1")
                yield self.section(
                    f"t{trajectory.number}",
                    f"{trajectory.number}. {trajectory.title}",
                    "h2",
                )
                yield from self.trajectory(trajectory)

    def entries(self):
        """The contents: (key, title, level) in the order of the document."""
        yield "method", _("Méthode et chiffres"), 0
        yield "charts", _("Soutien par trajectoire"), 0
        yield "regions", _("Soutien par région"), 1
        yield "types", _("Participation par type d'organisation"), 1
        yield "workshops", _("Ateliers régionaux"), 0
        yield "highlights", _("Ce qui rassemble toutes les régions"), 0
        yield "cross", _("Soutien par région et par type d'organisation"), 0
        yield "coverage", _("Participation"), 0
        for theme in self.content.themes:
            for trajectory in theme.trajectories:
                yield (
                    f"t{trajectory.number}",
                    f"{trajectory.number}. {trajectory.title}",
                    1,
                )

    def section(self, key, title, style="h1"):
        """A heading that records its page for the contents."""
        return contents.Anchor(key, self.paragraph(title, style))

    def cover(self):
        content = self.content
        consultation = content.consultation
        yield Spacer(0, 40 * mm)
        yield self.paragraph(_("Synthèse de la consultation"), "kicker")
        yield self.paragraph(consultation.title, "cover_title")
        dates = date_format(consultation.start_date, "j F Y")
        if consultation.end_date:
            dates = _("Du %(start)s au %(end)s") % {
                "start": dates,
                "end": date_format(consultation.end_date, "j F Y"),
            }
        else:
            dates = _("Ouverte le %(start)s") % {"start": dates}
        yield self.paragraph(dates, "cover_meta")
        yield Spacer(0, 14 * mm)
        figures = content.figures
        yield charts.key_figures(
            [
                (_number(figures["proposals"]), _("Propositions publiées")),
                (_number(figures["votes"]), _("Votes")),
                (_number(figures["organisations"]), _("Organisations")),
                (_("%(count)s sur 18") % {"count": figures["regions"]}, _("Régions")),
            ],
            self.width,
        )
        yield Spacer(0, 14 * mm)
        yield self.paragraph(
            _("Établie le %(date)s.")
            % {"date": date_format(localtime(content.generated_at), "j F Y, H:i")},
            "cover_meta",
        )

    def contents(self):
        yield self.paragraph(_("Sommaire"), "title")
        yield Spacer(0, 4 * mm)
        for key, title, level in self.entries():
            yield contents.Entry(key, printable(title), level, self.width)

    def opening(self):
        content = self.content
        figures = content.figures
        yield _table(
            [
                self.heads(
                    [
                        _("Propositions publiées"),
                        _("Votes"),
                        _("Organisations participantes"),
                        _("Régions représentées"),
                    ],
                    numeric_from=0,
                ),
                [
                    _number(figures["proposals"]),
                    _number(figures["votes"]),
                    _number(figures["organisations"]),
                    _("%(count)s sur 18") % {"count": figures["regions"]},
                ],
            ],
            [self.width / 4] * 4,
            numeric_from=0,
        )
        yield Spacer(0, 3 * mm)
        if content.answers:
            yield self.paragraph(
                _("Réponses officielles :")
                + " "
                + ", ".join(str(row["label"]) for row in content.answers)
                + "."
            )
        for text in method_paragraphs(content):
            yield self.paragraph(text)
        for row in content.sources:
            yield self.paragraph(
                f"{row['label']} : "
                + ", ".join(
                    [
                        counted(row["proposals"], "proposals"),
                        counted(row["total"], "votes"),
                        _("%(approval)s d'adhésion")
                        % {"approval": percent(row["approval"])},
                    ]
                ),
                "small",
            )

    def workshops(self):
        if not self.content.workshops:
            yield self.paragraph(
                _("Aucun atelier n'est enregistré pour cette consultation.")
            )
            return
        rows = [
            [
                self.paragraph(workshop, "small"),
                self.paragraph(workshop.organiser, "small"),
                _number(workshop.participant_count)
                if workshop.participant_count
                else "",
                _number(workshop.published_proposals),
            ]
            for workshop in self.content.workshops
        ]
        header = self.heads(
            [_("Atelier"), _("Organisé par"), _("Participants"), _("Propositions")],
            numeric_from=2,
        )
        yield from _chunked_tables(
            header, rows, [90 * mm, 50 * mm, 20 * mm, 20 * mm], numeric_from=2
        )

    def highlights(self):
        for rank, (proposal, score) in enumerate(self.content.consensus, start=1):
            yield self.paragraph(
                _("%(rank)s. %(text)s (trajectoire %(number)s, score de consensus "
                  "%(score)s)")
                % {
                    "rank": rank,
                    "text": proposal.text,
                    "number": proposal.question.trajectory.number,
                    "score": number_format(score, 4),
                },
                "small",
            )  # fmt: skip
        if not self.content.consensus:
            yield self.paragraph(
                _("Aucune proposition n'a assez de votes venus de plusieurs régions.")
            )
        yield self.paragraph(_("Les propositions qui divisent"), "h1")
        for rank, proposal in enumerate(self.content.divisive, start=1):
            yield self.paragraph(
                _("%(rank)s. %(text)s (%(agree)s d'accord, %(disagree)s pas d'accord)")
                % {
                    "rank": rank,
                    "text": proposal.text,
                    "agree": _number(proposal.agree_count),
                    "disagree": _number(proposal.disagree_count),
                },
                "small",
            )
        if not self.content.divisive:
            yield self.paragraph(_("Aucune proposition ne divise."))

    def cross_table(self):
        table = self.content.cross_table
        yield self.paragraph(
            _("Chaque case : la part d'adhésion et, entre parenthèses, le nombre de "
              "votes."),
            "small",
        )  # fmt: skip
        if not table.regions:
            yield self.paragraph(_("Aucun vote."))
            return

        def cell(values):
            if not values:
                return ""
            return f"{percent(values['approval'])}\n({_number(values['votes'])})"

        header = self.heads(
            [_("Région"), *(label for _value, label in table.types), _("Ensemble")],
            numeric_from=1,
        )
        rows = [
            [self.paragraph(name, "small"), *map(cell, cells), cell(total)]
            for name, cells, total in table.rows()
        ]
        rows.append(
            [
                self.paragraph(_("Ensemble"), "small"),
                *(cell(table.type_totals.get(value)) for value, _label in table.types),
                "",
            ]
        )
        first = 38 * mm
        other = (self.width - first) / (len(table.types) + 1)
        yield from _chunked_tables(
            header, rows, [first] + [other] * (len(table.types) + 1), numeric_from=1
        )

    def coverage(self):
        coverage = self.content.coverage
        if coverage["missing_regions"]:
            names = ", ".join(region["name"] for region in coverage["missing_regions"])
            yield self.paragraph(
                _("Régions qui n'ont ni proposé ni voté :") + f" {names}."
            )
        else:
            yield self.paragraph(_("Toutes les régions ont participé."))
        if coverage["missing_organisation_types"]:
            labels = ", ".join(map(str, coverage["missing_organisation_types"]))
            yield self.paragraph(
                _("Types d'organisation qui n'ont ni proposé ni voté :") + f" {labels}."
            )
        else:
            yield self.paragraph(_("Tous les types d'organisation ont participé."))

    def trajectory(self, trajectory):
        yield self.paragraph(
            ", ".join(
                [
                    counted(trajectory.proposal_count, "proposals"),
                    counted(trajectory.votes, "votes"),
                    _("%(approval)s d'adhésion.")
                    % {"approval": percent(trajectory.approval_percent)},
                ]
            )
        )
        header = self.heads(
            [
                _("Rang"),
                _("Proposition"),
                _("Origine"),
                _("D'accord"),
                _("Mitigé"),
                _("Pas d'accord"),
                _("Votes"),
                _("Adhésion"),
            ],
            numeric_from=3,
        )
        for question in trajectory.questions:
            heading = self.paragraph(question.text, "h3")
            if not question.proposals:
                yield KeepTogether(
                    [
                        heading,
                        self.paragraph(
                            _("Aucune proposition publiée pour cette question.")
                        ),
                    ]
                )
                continue
            rows = [self.proposal_row(row) for row in question.proposals]
            tables = (
                _proposal_table([header, *rows[start : start + ROWS_PER_TABLE]])
                for start in range(0, len(rows), ROWS_PER_TABLE)
            )
            yield KeepTogether([heading, next(tables)])
            yield from tables

    def proposal_row(self, row):
        """Plain, pre-wrapped strings: a table lays them out many times faster than
        paragraphs. A text that the built-in font cannot print goes in a paragraph."""
        text = row.text
        if row.answer_state:
            text += "\n" + _("Réponse : %(state)s — %(text)s") % {
                "state": row.answer_state,
                "text": row.answer,
            }
        origin = " · ".join(
            str(item)
            for item in (
                row.source,
                row.region,
                row.organisation_type,
                row.workshop_label,
            )
            if item
        )
        return [
            "" if row.rank is None else str(row.rank),
            self.wrapped(text, TEXT_WIDTH, 7.5),
            self.wrapped(origin, ORIGIN_WIDTH, 6.5),
            f"{_number(row.agree)}\n{percent(row.agree_percent)}",
            f"{_number(row.mixed)}\n{percent(row.mixed_percent)}",
            f"{_number(row.disagree)}\n{percent(row.disagree_percent)}",
            _number(row.votes),
            percent(row.approval_percent),
        ]

    def wrapped(self, text, width, size):
        return "\n".join(
            line
            for paragraph in printable(text).split("\n")
            for line in simpleSplit(paragraph, TABLE_FONT, size, width)
        )


# The proposals' table: widths in points, text columns pre-wrapped to their width
# less the cell padding.
PADDING = 3
PROPOSAL_WIDTHS = [
    10 * mm,
    80 * mm,
    28 * mm,
    13 * mm,
    12 * mm,
    13 * mm,
    11 * mm,
    13 * mm,
]
TEXT_WIDTH = PROPOSAL_WIDTHS[1] - 2 * PADDING
ORIGIN_WIDTH = PROPOSAL_WIDTHS[2] - 2 * PADDING


def _proposal_table(rows):
    table = LongTable(rows, colWidths=PROPOSAL_WIDTHS, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), TABLE_FONT, 6.5, 8),
                ("FONT", (1, 1), (1, -1), TABLE_FONT, 7.5, 9),
                ("TEXTCOLOR", (2, 1), (2, -1), MUTED),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ROW_SHADE]),
                ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def write_pdf(content, path):
    """Write the synthesis of `content` to the file `path`."""
    _register_fonts()
    title = _("Synthèse : %(title)s") % {"title": content.consultation.title}

    def footer(canvas, document):
        if document.page == 1:
            return  # the cover
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 8 * mm, printable(title))
        label = _("page %(number)s sur") % {"number": document.page} + " "
        canvas.drawRightString(A4[0] - MARGIN - contents.TOTAL_WIDTH, 8 * mm, label)
        contents.draw_total(canvas, A4[0] - MARGIN - contents.TOTAL_WIDTH, 8 * mm)
        canvas.restoreState()

    document = contents.Document(
        str(path),
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=title,
        author="Trajectoires ESS",
        lang=get_language(),
    )
    document.build(
        list(_Renderer(content).story()),
        onFirstPage=footer,
        onLaterPages=footer,
        canvasmaker=contents.canvas_maker(FONT, MUTED),
    )
