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

from django.utils.formats import date_format, number_format
from django.utils.timezone import localtime
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from consultation.templatetags.typography import percent
from consultation.text import counted

from . import pdf_charts as charts
from . import pdf_contents as contents
from .content import method_paragraphs
from .pdf_style import (
    FONT,
    FONT_BOLD,
    HEADER_FILL,
    MARGIN,
    MUTED,
    ROW_SHADE,
    RULE,
    escape,
    printable,
    register_fonts,
    styles,
)
from .regional import regional_method_paragraphs

ROWS_PER_TABLE = 200

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


# A region's table: the same text columns, its figures' columns as wide as their
# headings (« Adhésion ») need.
REGIONAL_WIDTHS = [*PROPOSAL_WIDTHS[:3], 12 * mm, 13 * mm, 12 * mm, 13 * mm, 12 * mm]


def _number(value):
    return number_format(value, force_grouping=True)


# The cross table: its upright headers' length, the padding of its narrow columns.
CROSS_HEADER_LENGTH = 30 * mm
CELL_PADDING = 6
COMPACT_PADDING = 2.5
CROSS_FONT_SIZE = 6.5


def cross_table_widths(region_names, columns, width):
    """The region column as wide as its longest unbreakable word (« Bourgogne-Franche-
    Comté »), the `columns` others sharing the rest."""
    longest = max(
        (
            pdfmetrics.stringWidth(word, FONT, 7.5)
            for name in region_names
            for word in str(name).split()
        ),
        default=0,
    )
    first = max(30 * mm, longest + 2 * CELL_PADDING + 2)
    return [first] + [(width - first) / columns] * columns


def _table(rows, widths, *, numeric_from=None, compact=False):
    """A table whose first row is a header repeated on each page; `compact`: narrow
    number columns with less padding and smaller figures."""
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
    if compact:
        commands += [
            ("FONT", (1, 1), (-1, -1), FONT, CROSS_FONT_SIZE, 8),
            ("LEFTPADDING", (1, 0), (-1, -1), COMPACT_PADDING),
            ("RIGHTPADDING", (1, 0), (-1, -1), COMPACT_PADDING),
            ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ]
    table.setStyle(TableStyle(commands))
    return table


def _chunked_tables(header, rows, widths, *, numeric_from, compact=False):
    for start in range(0, len(rows), ROWS_PER_TABLE):
        yield _table(
            [header, *rows[start : start + ROWS_PER_TABLE]],
            widths,
            numeric_from=numeric_from,
            compact=compact,
        )


class RotatedLabel(Flowable):
    """
    A column header set upright (read from bottom to top), wrapped between words
    into lines no longer than the header row is high: a narrow column keeps its whole
    label and never breaks a word.
    """

    def __init__(self, text, *, length, font=FONT_BOLD, size=6.5, leading=7.5):
        super().__init__()
        self.font, self.size, self.leading, self.length = font, size, leading, length
        self.text = printable(str(text))
        self.lines = simpleSplit(self.text, font, size, length)

    def wrap(self, available_width, available_height):
        self.width = len(self.lines) * self.leading
        self.height = self.length
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        canvas.saveState()
        canvas.setFont(self.font, self.size)
        canvas.rotate(90)
        for index, line in enumerate(self.lines):
            canvas.drawString(0, -(index + 1) * self.leading + 1.5, line)
        canvas.restoreState()


class _Renderer:
    # Whether a question without proposals is named, saying so.
    empty_questions_said = True
    widths = PROPOSAL_WIDTHS  # of the proposals' tables

    def __init__(self, content):
        self.content = content
        self.styles = styles()
        self.width = A4[0] - 2 * MARGIN

    def title(self):
        return _("Synthèse : %(title)s") % {"title": self.content.consultation.title}

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
        for key, title, level, body, new_page in self.sections():
            if new_page:
                yield PageBreak()
            yield self.section(key, title, "h1" if level == 0 else "h2")
            yield from body()
        for theme in self.content.themes:
            for index, trajectory in enumerate(theme.trajectories):
                yield PageBreak()
                if index == 0:
                    yield self.paragraph(theme.title, "h1")
                key, title = self.trajectory_heading(trajectory)
                yield self.section(key, title, "h2")
                yield from self.trajectory(trajectory)

    def sections(self):
        """The sections before the trajectories, in order: (key, title, level in the
        contents, what draws the body, whether a new page starts it)."""
        content, width = self.content, self.width
        return [
            ("method", _("Méthode et chiffres"), 0, self.opening, False),
            ("charts", _("Soutien par trajectoire"), 0,
             lambda: charts.trajectory_support(content, width), False),
            ("regions", _("Soutien par région"), 1,
             lambda: charts.region_support(content, width), False),
            ("types", _("Participation par type d'organisation"), 1,
             lambda: charts.type_participation(content, width), False),
            ("workshops", _("Ateliers régionaux"), 0, self.workshops, False),
            ("highlights", _("Ce qui rassemble toutes les régions"), 0,
             self.highlights, False),
            ("cross", _("Soutien par région et par type d'organisation"), 0,
             self.cross_table, True),
            ("coverage", _("Participation"), 0, self.coverage, False),
        ]  # fmt: skip

    @staticmethod
    def trajectory_heading(trajectory):
        return f"t{trajectory.number}", f"{trajectory.number}. {trajectory.title}"

    def entries(self):
        """The contents: (key, title, level) in the order of the document."""
        for key, title, level, _body, _new_page in self.sections():
            yield key, title, level
        for theme in self.content.themes:
            for trajectory in theme.trajectories:
                yield (*self.trajectory_heading(trajectory), 1)

    def section(self, key, title, style="h1"):
        """A heading that records its page for the contents."""
        return contents.Anchor(key, self.paragraph(title, style))

    def cover(self):
        content = self.content
        yield Spacer(0, 40 * mm)
        yield self.paragraph(self.kicker(), "kicker")
        yield self.paragraph(content.consultation.title, "cover_title")
        yield from self.cover_dates()
        yield Spacer(0, 14 * mm)
        yield charts.key_figures(self.key_figures(), self.width)
        yield Spacer(0, 14 * mm)
        yield self.paragraph(
            _("Établie le %(date)s.")
            % {"date": date_format(localtime(content.generated_at), "j F Y, H:i")},
            "cover_meta",
        )

    def kicker(self):
        return _("Synthèse de la consultation")

    def cover_dates(self):
        consultation = self.content.consultation
        dates = date_format(consultation.start_date, "j F Y")
        if consultation.end_date:
            dates = _("Du %(start)s au %(end)s") % {
                "start": dates,
                "end": date_format(consultation.end_date, "j F Y"),
            }
        else:
            dates = _("Ouverte le %(start)s") % {"start": dates}
        yield self.paragraph(dates, "cover_meta")

    def key_figures(self):
        """The cover's figures: (value, label)."""
        figures = self.content.figures
        return [
            (_number(figures["proposals"]), _("Propositions publiées")),
            (_number(figures["votes"]), _("Votes")),
            (_number(figures["organisations"]), _("Organisations")),
            (_("%(count)s sur 18") % {"count": figures["regions"]}, _("Régions")),
        ]

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

        labels = [*(label for _value, label in table.types), _("Ensemble")]
        header = [
            self.paragraph(_("Région"), "cell_head"),
            *(RotatedLabel(label, length=CROSS_HEADER_LENGTH) for label in labels),
        ]
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
        yield from _chunked_tables(
            header,
            rows,
            cross_table_widths(
                [name for name, *_ in table.rows()], len(labels), self.width
            ),
            numeric_from=1,
            compact=True,
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
        yield from self.question_tables(trajectory, header)

    def question_tables(self, trajectory, header):
        """Each question's heading and its proposals, cut into tables."""
        for question in trajectory.questions:
            heading = self.paragraph(question.text, "h3")
            if not question.proposals and not self.empty_questions_said:
                continue
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
                _proposal_table(
                    [header, *rows[start : start + ROWS_PER_TABLE]], self.widths
                )
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
            for line in simpleSplit(paragraph, FONT, size, width)
        )


def _proposal_table(rows, widths):
    table = LongTable(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 6.5, 8),
                ("FONT", (1, 1), (1, -1), FONT, 7.5, 9),
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


def write_pdf(content, path, renderer=None):
    """Write the synthesis of `content` to the file `path`."""
    renderer = (renderer or _Renderer)(content)
    register_fonts()
    title = renderer.title()

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

    document = SimpleDocTemplate(
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
        list(renderer.story()),
        onFirstPage=footer,
        onLaterPages=footer,
        canvasmaker=contents.canvas_maker(FONT, MUTED),
    )


class _RegionalRenderer(_Renderer):
    """A region's synthesis (`regional.RegionalContent`): its figures beside the
    country's, its workshops and organisations, what it supports more or less than
    the country, then its proposals with the region's approval beside the country's."""

    empty_questions_said = False
    widths = REGIONAL_WIDTHS

    def title(self):
        return _("Synthèse %(region)s : %(title)s") % {
            "region": self.content.region.name,
            "title": self.content.consultation.title,
        }

    def sections(self):
        return [
            ("method", _("Méthode et chiffres"), 0, self.opening, False),
            ("comparison", _("La région et le pays"), 0, self.comparison, False),
            ("workshops", _("Ateliers de la région"), 0, self.workshops, False),
            ("participation", _("Participation de la région"), 0,
             self.participation, False),
        ]  # fmt: skip

    def kicker(self):
        return _("Synthèse régionale : %(region)s") % {
            "region": self.content.region.name
        }

    def key_figures(self):
        figures = self.content.figures
        return [
            (_number(figures["proposals"]), _("Propositions de la région")),
            (_number(figures["votes"]), _("Votes de la région")),
            (_number(figures["organisations"]), _("Organisations")),
            (_number(figures["workshops"]), _("Ateliers")),
        ]

    def opening(self):
        content = self.content
        for text in regional_method_paragraphs(content):
            yield self.paragraph(text)
        if content.answers:
            yield self.paragraph(
                _("Réponses officielles :")
                + " "
                + ", ".join(str(row["label"]) for row in content.answers)
                + "."
            )

    def comparison(self):
        comparison = self.content.comparison
        if not comparison["compared"]:
            yield self.paragraph(
                _("Aucune proposition n'a encore assez de votes de la région pour être "
                  "comparée.")
            )  # fmt: skip
            return
        header = self.heads(
            [_("Proposition"), _("Région"), _("Pays"), _("Écart")], numeric_from=1
        )
        for title, rows in (
            (_("Plus soutenues dans la région"), comparison["more"]),
            (_("Moins soutenues dans la région"), comparison["less"]),
        ):
            yield self.paragraph(title, "h3")
            if not rows:
                yield self.paragraph(_("Aucune."))
                continue
            yield _table(
                [
                    header,
                    *(
                        [
                            self.paragraph(row["proposal"].text, "small"),
                            percent(row["regional"]),
                            percent(row["national"]),
                            points(row["regional"] - row["national"]),
                        ]
                        for row in rows
                    ),
                ],
                [self.width - 60 * mm, 20 * mm, 20 * mm, 20 * mm],
                numeric_from=1,
            )

    def workshops(self):
        if not self.content.workshops:
            yield self.paragraph(
                _("Aucun atelier de la région n'a encore été importé dans cette "
                  "consultation.")
            )  # fmt: skip
            return
        yield from super().workshops()

    def participation(self):
        rows = self.content.participation
        if not rows:
            yield self.paragraph(
                _("Aucune organisation de la région n'a encore voté ni proposé.")
            )
            return
        yield _table(
            [
                self.heads([_("Type"), _("Organisations")], numeric_from=1),
                *([self.paragraph(row["label"], "small"), _number(row["count"])]
                  for row in rows),
            ],
            [self.width - 30 * mm, 30 * mm],
            numeric_from=1,
        )  # fmt: skip

    def trajectory(self, trajectory):
        if not trajectory.proposal_count:
            yield self.paragraph(
                _("Aucune proposition de la région dans cette trajectoire.")
            )
            return
        region = trajectory.approval_percent if trajectory.votes else None
        yield self.paragraph(
            ", ".join(
                [
                    counted(trajectory.proposal_count, "proposals"),
                    _("%(votes)s de la région") % {
                        "votes": counted(trajectory.votes, "votes")
                    },
                    _("adhésion : %(region)s dans la région, %(country)s dans le pays.")
                    % {
                        "region": _unknown(region),
                        "country": _unknown(trajectory.country_approval_percent),
                    },
                ]
            )
        )  # fmt: skip
        header = self.heads(
            [
                _("Rang"),
                _("Proposition"),
                _("Origine"),
                _("Votes (pays)"),
                _("Adhésion (pays)"),
                _("Votes (région)"),
                _("Adhésion (région)"),
                _("Écart"),
            ],
            numeric_from=3,
        )
        yield from self.question_tables(trajectory, header)

    def proposal_row(self, row):
        national = super().proposal_row(row.country)
        gap = row.gap
        return [
            "" if row.rank is None else str(row.rank),
            national[1],
            national[2],
            _number(row.country.votes),
            percent(row.country.approval_percent),
            _number(row.votes),
            _unknown(row.approval_percent),
            "" if gap is None else points(gap),
        ]


def _unknown(value):
    """A share in percent, or a dash where there is no vote to make it."""
    return "–" if value is None else percent(value)


def points(gap):
    """A signed gap in percentage points: « +12 pts », « –3 pts » (the font has no
    minus sign, U+2212: an en dash stands for it, as French print often does)."""
    sign = "+" if gap > 0 else "\u2013" if gap < 0 else ""
    return ngettext("%(sign)s%(points)s pt", "%(sign)s%(points)s pts", abs(gap)) % {
        "sign": sign,
        "points": abs(gap),
    }


def write_regional_pdf(content, path):
    """Write the synthesis of a region (`regional.RegionalContent`) to `path`."""
    write_pdf(content, path, _RegionalRenderer)
