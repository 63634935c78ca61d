"""
Page numbers known only at the end, drawn without laying the document out twice: the
contents' page numbers and the total of « page N sur M » are PDF forms, placed where
they show while the pages are drawn, and defined (with their numbers) when the
document is saved.
"""

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

TOTAL_WIDTH = 16  # points kept for the total, after « page N sur »
ENTRY_SIZE = 10


def _form_name(key):
    return f"contents-{key}"


class Anchor(Flowable):
    """A heading that records, when drawn, on which page it stands."""

    def __init__(self, key, heading):
        super().__init__()
        self.key, self.heading = key, heading
        # A heading never ends a page: it goes with what follows it.
        self.keepWithNext = heading.style.keepWithNext

    def wrap(self, available_width, available_height):
        self.width, self.height = self.heading.wrap(available_width, available_height)
        return self.width, self.height

    def getSpaceBefore(self):
        return self.heading.getSpaceBefore()

    def getSpaceAfter(self):
        return self.heading.getSpaceAfter()

    def draw(self):
        self.canv.anchor_pages.setdefault(self.key, self.canv.getPageNumber())
        self.heading.drawOn(self.canv, 0, 0)


class Entry(Flowable):
    """A line of the contents: its title, a dotted leader, its page (a form)."""

    def __init__(self, key, title, level, width):
        super().__init__()
        self.key, self.title, self.level = key, title, level
        self.width, self.height = width, ENTRY_SIZE * 1.9

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        canvas, indent = self.canv, 14 * self.level
        font = canvas.font_bold if self.level == 0 else canvas.font_name
        canvas.setFont(font, ENTRY_SIZE)
        title = self.title
        room = self.width - indent - 40
        while canvas.stringWidth(title, font, ENTRY_SIZE) > room and len(title) > 4:
            title = title[:-2].rstrip() + "…"
        canvas.drawString(indent, 4, title)
        start = indent + canvas.stringWidth(title, font, ENTRY_SIZE) + 4
        canvas.setFont(canvas.font_name, ENTRY_SIZE)
        dots = "." * max(0, int((self.width - 30 - start) / 3))
        canvas.setFillColor(canvas.muted)
        canvas.drawRightString(self.width - 28, 4, dots)
        canvas.saveState()
        canvas.translate(self.width, 4)
        canvas.doForm(_form_name(self.key))
        canvas.restoreState()
        canvas.used_forms.add(self.key)


def draw_total(canvas, x, y):
    """The total of pages, left-aligned at (x, y)."""
    canvas.saveState()
    canvas.translate(x, y)
    canvas.doForm("page-total")
    canvas.restoreState()


def canvas_maker(font_name, muted):
    font_bold = f"{font_name}-Bold"

    class NumberingCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            # Not Helvetica, which every page would otherwise name.
            kwargs["initialFontName"] = kwargs.get("initialFontName") or font_name
            super().__init__(*args, **kwargs)
            self.anchor_pages, self.used_forms = {}, set()
            self.font_name, self.font_bold, self.muted = font_name, font_bold, muted

        def save(self):
            total = self.getPageNumber() - 1  # save() follows the last showPage()
            self._define("page-total", str(total), size=7, align="left")
            for key in self.used_forms:
                page = self.anchor_pages.get(key)
                self._define(_form_name(key), str(page or ""), size=ENTRY_SIZE)
            super().save()

        def _define(self, name, text, *, size, align="right"):
            self.beginForm(name, lowerx=-60, lowery=-4, upperx=60, uppery=size + 4)
            self.setFont(self.font_name, size)
            self.setFillColor(self.muted)
            if align == "left":
                self.drawString(0, 0, text)
            else:
                self.drawRightString(0, 0, text)
            self.endForm()

    return NumberingCanvas
