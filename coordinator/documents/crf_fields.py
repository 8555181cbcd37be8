"""How a CRF section prints, filled or blank. A record held once is a column of questions with their answers; a
repeating one is a table, a row per record. Blank, a date is boxes to fill (DD/MMM/YYYY), a time HH:MM, a choice
its options with a box to tick, a text a line to write on; filled, a choice still shows every option, the one
recorded ticked, so the page reads like the paper form it stands for."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from coordinator.crf.casebook import Values
from coordinator.crf.options import options, yes_no
from coordinator.crf.vocabulary import ValueKind
from coordinator.documents import pdf
from coordinator.documents.fonts import BOLD, REGULAR
from coordinator.documents.pdf import FOOTER_GREY, GRID, HEADER_FILL
from coordinator.i18n import _
from coordinator.studies.crf_schema import CrfField, CrfSection
from coordinator.studies.rule_schema import ItemKind
from coordinator.studies.schema import StudyDefinition

TICKED, EMPTY = "☒", "☐"
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
TICKABLE = 4  # a blank table cell offers at most this many options to tick; longer lists are written as codes
BLANK_TEXT = 30 * mm  # the least room to write a text by hand
LONG_TEXT = 1500  # characters: a cell this long may not fit a page
KEPT_ROWS = 10  # a table up to this many rows stays on one page with its title; a longer one starts where it is...
START_ROOM = 60 * mm  # ...if this much room is left, and continues on the next page under its header
NOTHING = "—"  # printed where the database holds no value
DATE_PATTERN, TIME_PATTERN = "DD/MMM/YYYY", "HH:MM"
_FIXED_FILLED = {ValueKind.date: 21 * mm, ValueKind.time: 11 * mm, ValueKind.number: 15 * mm,
                 ValueKind.yes_no: 12 * mm}
_FIXED_BLANK = {ValueKind.date: 38 * mm, ValueKind.time: 18 * mm, ValueKind.number: 18 * mm,
                ValueKind.yes_no: 22 * mm}


def cdash_date(value: str | None) -> str:
    """2026-11-21 -> 21/NOV/2026, the CDASH date format: no day-month confusion on an international study."""
    if not value:
        return NOTHING
    day = date.fromisoformat(value[:10])
    return f"{day.day:02d}/{MONTHS[day.month - 1]}/{day.year}"


def shown(kind: ValueKind, value: Any, choices: dict[str, str] | None = None) -> str:
    """A value as printed in a table cell."""
    if value is None or value == "":
        return NOTHING
    if kind is ValueKind.date or isinstance(value, date):  # a date among texts: a date value of screening
        return cdash_date(str(value))
    if kind is ValueKind.number and isinstance(value, float):
        return f"{value:g}"
    if choices is not None:
        return choices.get(str(value), str(value))
    return str(value)


_PADDING = 6.5  # points: a cell's left and right padding, and a little air


def _width(text: str, font: str) -> float:
    return stringWidth(text, font, 8)


def _very_long(rows: Sequence[Values]) -> bool:
    """Whether a row may be taller than a page (a source of pages of text), so that it must split inside itself.
    Only then: ReportLab's split inside rows can leave a lone repeated header at the foot of a page."""
    return any(len(str(value)) > LONG_TEXT for row in rows for value in row.values())


class Boxes(Flowable):
    """Boxes to write a date or a time in by hand, one per character of `pattern`, its letters faint inside."""

    def __init__(self, pattern: str, box: float = 3.6 * mm) -> None:
        super().__init__()
        self.pattern = pattern
        self.box = box
        self.gap = 0.45 * box

    def wrap(self, _available_width: float, _available_height: float) -> tuple[float, float]:
        separators = sum(1 for c in self.pattern if not c.isalpha())
        return (len(self.pattern) - separators) * self.box + separators * self.gap, self.box + 1

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.5)
        left = 0.0
        for character in self.pattern:
            if character.isalpha():
                canvas.rect(left, 0.5, self.box, self.box, stroke=1, fill=0)
                canvas.setFillColor(HEADER_FILL)
                canvas.setFont(REGULAR, self.box * 0.55)
                canvas.drawCentredString(left + self.box / 2, 0.5 + self.box * 0.3, character)
                left += self.box
            else:
                canvas.setFillColor(FOOTER_GREY)
                canvas.setFont(REGULAR, self.box * 0.8)
                canvas.drawCentredString(left + self.gap / 2, 0.5 + self.box * 0.2, character)
                left += self.gap
        canvas.restoreState()


class _Styles:
    def __init__(self) -> None:
        small = pdf.styles().small
        self.cell = ParagraphStyle("crf-cell", parent=small, fontSize=8, leading=10)
        self.bold = ParagraphStyle("crf-cell-bold", parent=self.cell, fontName=BOLD)
        self.name = ParagraphStyle("crf-name", parent=self.cell, fontSize=6.5, leading=8, textColor=FOOTER_GREY)
        self.question = ParagraphStyle("crf-question", parent=pdf.styles().body, fontSize=9, leading=11.5)
        self.answer = ParagraphStyle("crf-answer", parent=self.question, fontName=BOLD)
        self.note = ParagraphStyle("crf-note", parent=self.cell, textColor=FOOTER_GREY)


class SectionPrinter:
    """Prints the sections of one study's forms; `filled` False prints them blank, for paper."""

    def __init__(self, definition: StudyDefinition, width: float, *, filled: bool) -> None:
        self.definition = definition
        self.width = width
        self.filled = filled
        self.styles = _Styles()
        self._choices: dict[tuple[str, str], dict[str, str]] = {}

    def section(self, section: CrfSection, rows: Sequence[Values], lead: Sequence[Flowable] = ()) -> list[Flowable]:
        """The section's title, note and fields, kept on one page where they fit, with `lead` (the form's title,
        so that it never stands alone); `rows` are the records (filled) or the listed rows (blank)."""
        parts: list[Flowable] = [*lead, pdf.paragraph(section.title, pdf.styles().section)]
        if section.note:
            parts.append(pdf.paragraph(section.note, self.styles.note))
        parts.append(Spacer(1, 1.5 * mm))
        if not section.kind.repeating:
            return [KeepTogether([*parts, self._questions(section, rows)]), Spacer(1, 2 * mm)]
        parts.append(self._table(section, rows))
        if not self.filled:
            parts += self._legends(section)
        if len(rows) > KEPT_ROWS or (not rows and section.blank_rows > KEPT_ROWS):
            return [CondPageBreak(START_ROOM), *parts, Spacer(1, 2 * mm)]
        return [KeepTogether(parts), Spacer(1, 2 * mm)]

    def _legends(self, section: CrfSection) -> list[Flowable]:
        """Under a blank table, the code lists too long to tick in a cell: the code is written in the cell."""
        legends = []
        for field in section.fields:
            choices = self._options(section, field)
            if choices is not None and len(choices) > TICKABLE:
                codes = "; ".join(f"<b>{pdf.markup(code)}</b>" + ("" if label == code else f" = {pdf.markup(label)}")
                                  for code, label in choices.items())
                legends.append(Paragraph(f"{pdf.markup(field.label)} ({field.name}): {codes}", self.styles.note))
        return [Spacer(1, 1 * mm), *legends] if legends else []

    # --- a record held once: questions and answers ----------------------------------------------------------------

    def _questions(self, section: CrfSection, rows: Sequence[Values]) -> Table:
        values = rows[0] if rows else {}
        label_width = 0.42 * self.width
        name_width = 18 * mm
        lines = []
        for field in section.fields:
            lines.append([pdf.paragraph(field.label, self.styles.question),
                          pdf.paragraph(field.name, self.styles.name),
                          self._answer(section, field, values)])
        table = Table(lines, colWidths=[label_width, name_width, self.width - label_width - name_width],
                      splitInRow=_very_long(rows))
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), REGULAR), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID), ("TOPPADDING", (0, 0), (-1, -1), 4 if self.filled else 6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4 if self.filled else 6), ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ]))
        return table

    def _answer(self, section: CrfSection, field: CrfField, values: Values) -> Flowable:
        kind = section.kind.values[field.value]
        value = values.get(field.value)
        choices = self._options(section, field)
        if choices is not None:
            return pdf.paragraph(self._ticks(choices, value), self.styles.question)
        if self.filled:
            return pdf.paragraph(shown(kind, value), self.styles.answer)
        if kind is ValueKind.date:
            return Boxes(DATE_PATTERN, 4.2 * mm)
        if kind is ValueKind.time:
            return Boxes(TIME_PATTERN, 4.2 * mm)
        return _Line()

    # --- a repeating record: a table, a row each ------------------------------------------------------------------

    def _table(self, section: CrfSection, rows: Sequence[Values]) -> Table:
        fields = section.fields
        header = [Paragraph(f"{pdf.markup(field.label)}<br/><font size='6.5' color='#616161'>{field.name}</font>",
                            self.styles.bold) for field in fields]
        if self.filled:
            body = [[self._cell(section, field, row) for field in fields] for row in rows]
        else:
            listed = list(rows) or [{} for _row in range(section.blank_rows)]
            body = [[self._blank_cell(section, field, row) for field in fields] for row in listed]
        empty = not body
        if empty:
            body = [[pdf.paragraph(_("Nothing recorded."), self.styles.note)] + [""] * (len(fields) - 1)]
        table = Table([header, *body], colWidths=self._widths(section, rows), repeatRows=1,
                      splitInRow=_very_long(rows))
        style = [
            ("FONTNAME", (0, 0), (-1, -1), REGULAR), ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("GRID", (0, 0), (-1, -1), 0.5, GRID), ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3), ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ]
        if empty:
            style.append(("SPAN", (0, 1), (-1, 1)))
        if not self.filled:
            style += [("VALIGN", (0, 1), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 1), (-1, -1), 5),
                      ("BOTTOMPADDING", (0, 1), (-1, -1), 5)]
        table.setStyle(TableStyle(style))
        return table

    def _cell(self, section: CrfSection, field: CrfField, row: Values) -> Paragraph | str:
        kind = section.kind.values[field.value]
        text = shown(kind, row.get(field.value), self._options(section, field))
        if kind in (ValueKind.text, ValueKind.choice):
            return pdf.paragraph(text, self.styles.cell)
        return text

    def _blank_cell(self, section: CrfSection, field: CrfField, row: Values) -> Flowable | str:
        """A listed row keeps what the study file gives (the criterion, the item, its unit); the rest is to fill."""
        kind = section.kind.values[field.value]
        given = row.get(field.value)
        choices = self._options(section, field)
        if given is not None:
            return pdf.paragraph(shown(kind, given, choices), self.styles.cell)
        if section.record == "value" and field.value == "value":  # the item says what its answer looks like
            kind, choices = self._item_answer(row.get("item"))
        if choices is not None and len(choices) > TICKABLE and section.record != "value":
            return ""  # the code is written in, from the list under the table
        if choices is not None:  # one option a line, so that none breaks in two
            separator = "   " if kind is ValueKind.yes_no else "<br/>"
            return Paragraph(separator.join(pdf.markup(line) for line in self._tick_lines(choices)), self.styles.cell)
        if kind is ValueKind.date:
            return Boxes(DATE_PATTERN)
        if kind is ValueKind.time:
            return Boxes(TIME_PATTERN)
        return ""

    def _item_answer(self, item_id: str | None) -> tuple[ValueKind, dict[str, str] | None]:
        """How a screening item is answered on paper: its choices, yes or no, a date, or a number written in."""
        item = self.definition.items.get(item_id or "")
        if item is None:  # the yes/no answer of a criterion without a rule
            return ValueKind.yes_no, yes_no()
        if item.kind is ItemKind.choice:
            return ValueKind.choice, dict(item.choices)
        if item.kind is ItemKind.yes_no:
            return ValueKind.yes_no, yes_no()
        return (ValueKind.date if item.kind is ItemKind.date else ValueKind.text), None

    def _widths(self, section: CrfSection, rows: Sequence[Values]) -> list[float]:
        """Each column at least as wide as its longest word (header included), so no word breaks; dates, times
        and numbers at their usual width; what is left goes to the columns whose text would run longest."""
        fixed = _FIXED_FILLED if self.filled else _FIXED_BLANK
        least: list[float] = []
        wanted: list[float] = []
        for field in section.fields:
            kind = section.kind.values[field.value]
            choices = self._options(section, field)
            if choices is not None and not self.filled:
                texts = self._tick_lines(choices) if len(choices) <= TICKABLE else list(choices)
            else:
                texts = [shown(kind, row.get(field.value), choices) for row in rows[:60]]
            least_here = fixed.get(kind, 0)
            if not self.filled and section.record == "value" and field.value == "value":  # each item's answers
                answers = [self._item_answer(row.get("item")) for row in rows]
                texts = [line for _kind, options in answers if options for line in self._tick_lines(options)]
                if any(answer is ValueKind.date for answer, _options in answers):
                    least_here = Boxes(DATE_PATTERN).wrap(0, 0)[0] + _PADDING
            words = [word for text in texts for word in text.split()]  # the cells, in the regular font
            longest_word = max(max(_width(word, BOLD) for word in field.label.split()),  # the header, bold
                               max((_width(word, REGULAR) for word in words), default=0),
                               _width(field.name, BOLD) * 6.5 / 8) + _PADDING
            least.append(max(longest_word, least_here))
            longest = max((_width(text, REGULAR) for text in texts), default=0) + _PADDING
            if not self.filled and kind is ValueKind.text and all(text == NOTHING for text in texts):
                longest = BLANK_TEXT  # room to write
            wanted.append(least[-1] if kind in fixed else max(least[-1], min(longest, 90 * mm)))
        spare = self.width - sum(least)
        growth = [want - low for want, low in zip(wanted, least, strict=True)]
        if spare <= 0 or not any(growth):
            return [low * self.width / sum(least) for low in least]
        grow = min(1.0, spare / sum(growth))
        widths = [low + g * grow for low, g in zip(least, growth, strict=True)]
        rest = self.width - sum(widths)  # all text fits: give the rest to the texts, in proportion
        return [w + rest * g / sum(growth) for w, g in zip(widths, growth, strict=True)]

    # --- code lists ------------------------------------------------------------------------------------------------

    def _options(self, section: CrfSection, field: CrfField) -> dict[str, str] | None:
        kind = section.kind.values[field.value]
        if kind is ValueKind.yes_no:
            return yes_no()
        if kind is not ValueKind.choice:
            return None
        key = (section.record, field.value)
        if key not in self._choices:
            self._choices[key] = options(section.record, field.value, self.definition)
        return self._choices[key]

    @staticmethod
    def _tick_lines(choices: dict[str, str], value: Any = None) -> list[str]:
        """One option a line, its box joined to its label by a no-break space: a line never ends on a box."""
        chosen = None if value is None else str(value)
        return [f"{TICKED if code == chosen else EMPTY}\u00a0{label}" for code, label in choices.items()]

    def _ticks(self, choices: dict[str, str], value: Any) -> str:
        return "   ".join(self._tick_lines(choices, value))


class _Line(Flowable):
    """A line to write on."""

    def wrap(self, available_width: float, _available_height: float) -> tuple[float, float]:
        self.width = available_width - 4
        return self.width, 5 * mm

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setStrokeColor(GRID)
        self.canv.setLineWidth(0.5)
        self.canv.line(0, 0, self.width, 0)
        self.canv.restoreState()
