"""
Reading workshop documents: the text extracted from a workshop's PDF, in the grammar
that docs/contracts.md describes. This module only parses; `service.workshop_import`
writes.

A document is a sequence of themes (a line in capitals, optionally ending with
"(Trajectoires 4, 5, 6)"), each holding numbered trajectories ("4. title"), each with a
guiding question (the paragraph before the first item) and items ("- ", "– " or "• ").
Blank lines carry no meaning, since PDF extraction puts them anywhere, so a paragraph's
extent is decided by the kind of line that follows it.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

ITEM_RE = re.compile(r"^[-–•] (?P<text>.+)$")
TRAJECTORY_RE = re.compile(r"^(?P<number>\d+)\. (?P<title>.+)$")
THEME_TITLE_MAX_LENGTH = 300
TRAJECTORY_TITLE_MAX_LENGTH = 500
LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
# A workshop's document holds a few hundred lines: these bounds refuse, at once and
# with a clear message, a file that would keep a worker busy for minutes.
DOCUMENT_MAX_BYTES = 2 * 1024 * 1024
DOCUMENT_MAX_LINES = 10_000


class WorkshopError(Exception):
    """A document that cannot be imported, because of its `line` (1-based)."""

    def __init__(self, line, reason):
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


class WorkshopSyntaxError(WorkshopError):
    """The document does not follow the grammar."""


class WorkshopConflict(WorkshopError):
    """The document is well formed but contradicts what the database holds."""


@dataclass
class ParsedTrajectory:
    number: int
    title: str
    line: int
    question: str = ""
    question_line: int | None = None
    items: list = field(default_factory=list)  # [(line, text)]


@dataclass
class ParsedTheme:
    title: str
    line: int
    trajectories: list = field(default_factory=list)
    heading: str = ""  # the heading as written, parenthesis included
    # Whether the closing parenthesis has been read: it ends a wrapped heading.
    closed: bool = False


def decode_document(data):
    """Decode bytes as UTF-8 text without its byte-order mark, or raise an error."""
    if len(data) > DOCUMENT_MAX_BYTES:
        raise WorkshopSyntaxError(
            1,
            _("le fichier dépasse %(size)s Mo.")
            % {"size": DOCUMENT_MAX_BYTES // (1024 * 1024)},
        )
    nul = data.find(b"\x00")
    if nul != -1:
        raise WorkshopSyntaxError(
            data.count(b"\n", 0, nul) + 1,
            _("le fichier n'est pas du texte (octet nul)."),
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise WorkshopSyntaxError(
            data.count(b"\n", 0, error.start) + 1,
            _("le fichier n'est pas du texte UTF-8."),
        ) from None
    return text.removeprefix("\ufeff")


def fold_whitespace(line):
    """Fold every run of whitespace (non-breaking spaces, form feeds…) to one space."""
    return " ".join(line.split())


def heading_title(heading):
    """A heading without its closing parenthesis, such as "(Trajectoires 4, 5, 6)"."""
    if heading.endswith(")") and "(" in heading:
        return heading[: heading.rfind("(")].strip()
    return heading


def is_heading(line):
    title = heading_title(line)
    letters = [char for char in title if char.isalpha()]
    return len(letters) >= 3 and title == title.upper() and not title[0].isdigit()


def parse_workshop(text):
    """Parse a workshop document (text, see `decode_document`) into `ParsedTheme`s."""
    lines = LINE_BREAK_RE.split(text)
    if len(lines) > DOCUMENT_MAX_LINES:
        raise WorkshopSyntaxError(
            DOCUMENT_MAX_LINES + 1,
            _("le document dépasse %(max)s lignes.")
            % {"max": f"{DOCUMENT_MAX_LINES:,}".replace(",", "\u00a0")},
        )
    themes = []
    numbers_seen = {}
    theme = trajectory = None
    # Where the next text line goes: preamble, heading, title, question or items.
    zone = "preamble"

    for line_number, raw_line in enumerate(lines, start=1):
        line = fold_whitespace(raw_line)
        if not line:
            continue

        if item := ITEM_RE.match(line):
            if trajectory is None:
                raise WorkshopSyntaxError(
                    line_number, _("un élément de liste précède toute trajectoire.")
                )
            if zone == "title":
                raise WorkshopSyntaxError(
                    line_number,
                    _(
                        "la trajectoire %(number)s n'a pas de question "
                        "avant ses éléments."
                    )
                    % {"number": trajectory.number},
                )
            trajectory.items.append((line_number, item["text"]))
            zone = "items"

        elif match := TRAJECTORY_RE.match(line):
            if theme is None:
                raise WorkshopSyntaxError(
                    line_number, _("une trajectoire précède tout titre de thème.")
                )
            number = int(match["number"])
            if number < 1 or number > 32767:
                raise WorkshopSyntaxError(
                    line_number,
                    _("numéro de trajectoire invalide : %(number)s.")
                    % {"number": number},
                )
            if number in numbers_seen:
                raise WorkshopSyntaxError(
                    line_number,
                    _("la trajectoire %(number)s figure déjà ligne %(line)s.")
                    % {"number": number, "line": numbers_seen[number]},
                )
            numbers_seen[number] = line_number
            trajectory = ParsedTrajectory(
                number=number, title=match["title"], line=line_number
            )
            theme.trajectories.append(trajectory)
            zone = "title"

        elif is_heading(line) and not (zone == "heading" and not theme.closed):
            theme = ParsedTheme(title="", line=line_number)
            themes.append(theme)
            trajectory = None
            zone = "heading"
            _extend_heading(theme, line)

        elif zone == "heading":
            if not theme.closed and (
                line[0] in "(" or line[0].islower() or is_heading(line)
            ):
                _extend_heading(theme, line)
            else:
                raise WorkshopSyntaxError(
                    line_number,
                    _(
                        "texte inattendu entre le titre du thème "
                        "et sa première trajectoire."
                    ),
                )

        elif zone == "title" and line[0].islower():
            trajectory.title = f"{trajectory.title} {line}"

        elif zone in ("title", "question"):
            if trajectory.question:
                trajectory.question = f"{trajectory.question} {line}"
            else:
                trajectory.question, trajectory.question_line = line, line_number
            zone = "question"

        elif zone == "items":
            item_line, item_text = trajectory.items[-1]
            trajectory.items[-1] = (item_line, f"{item_text} {line}")

        # Anything else is preamble before the first heading (document title, date…).

    if not themes:
        raise WorkshopSyntaxError(
            1, _("aucun titre de thème (ligne en capitales) trouvé.")
        )
    _check_lengths(themes)
    return themes


def _check_lengths(themes):
    for theme in themes:
        if len(theme.title) > THEME_TITLE_MAX_LENGTH:
            raise WorkshopSyntaxError(
                theme.line,
                _("titre de thème trop long (%(max)s caractères au plus).")
                % {"max": THEME_TITLE_MAX_LENGTH},
            )
        for trajectory in theme.trajectories:
            if len(trajectory.title) > TRAJECTORY_TITLE_MAX_LENGTH:
                raise WorkshopSyntaxError(
                    trajectory.line,
                    _("titre de trajectoire trop long (%(max)s caractères au plus).")
                    % {"max": TRAJECTORY_TITLE_MAX_LENGTH},
                )


def _extend_heading(theme, line):
    """Add a line to a heading that may wrap; its closing parenthesis ends it."""
    theme.heading = f"{theme.heading} {line}".strip()
    theme.title = heading_title(theme.heading)
    theme.closed = theme.heading.endswith(")")
