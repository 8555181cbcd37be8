"""The eligibility checklist as a table: one row per criterion (a heading row per stage when there are several),
with the values it reads and its verdict in words and in colour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from coordinator.eligibility.criteria import ENROLLMENT, CriterionResult, Decision, Verdict
from coordinator.eligibility.rules import NONE, Observation, State
from coordinator.eligibility.service import Assessment, RecordedValue
from coordinator.studies.rule_schema import BUILT_IN_REFERENCES, Category, Item, ItemKind, rule_items
from ui.formats import show_date
from ui.tables import Index, NamedColumnsModel

COLUMNS = ("id", "category", "criterion", "values", "verdict", "reason")
RESULT_ROLE = Qt.ItemDataRole.UserRole  # the CriterionResult of a row (None on a stage heading)

# Text and background of the verdict cell, by what the result means for participation (ok True / False / None).
# The cell always says it in words too: colour is never the only sign.
COLOURS = {
    True: ("#1e6b2b", "#e3f1e5"),
    False: ("#b3261e", "#fbe4e2"),
    None: ("#8a5300", "#fff1cf"),
    "n/a": ("#555555", "#ececec"),
}


@dataclass(frozen=True)
class _Row:
    stage: str
    result: CriterionResult | None  # None: the heading of a stage


class CriteriaModel(NamedColumnsModel):
    """Holds one assessment; a participant's criteria are a short list, so rows are measured and wrapped."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent)
        self.titles = {"id": self.tr("ID"), "category": self.tr("Type"), "criterion": self.tr("Criterion"),
                       "values": self.tr("Values read"), "verdict": self.tr("Verdict"), "reason": self.tr("Why")}
        self._rows: list[_Row] = []
        self._assessment: Assessment | None = None
        self._values: dict[str, RecordedValue] = {}

    def set_assessment(self, assessment: Assessment) -> None:
        self.beginResetModel()
        self._assessment = assessment
        self._values = {value.key: value for value in assessment.values}
        stages = assessment.stages
        self._rows = []
        for stage in stages:
            if len(stages) > 1:
                self._rows.append(_Row(stage, None))
            self._rows += [_Row(stage, result) for result in assessment.results if result.criterion.stage == stage]
        self.endResetModel()

    def row_total(self) -> int:
        return len(self._rows)

    def heading_rows(self) -> list[int]:
        """The rows that name a stage: the view spans them over every column."""
        return [number for number, row in enumerate(self._rows) if row.result is None]

    def result_at(self, row: int) -> CriterionResult | None:
        return self._rows[row].result if 0 <= row < len(self._rows) else None

    def row_of(self, criterion: str) -> int | None:
        return next((number for number, row in enumerate(self._rows)
                     if row.result is not None and row.result.criterion.id == criterion), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if row.result is None:
            return self._heading(row.stage, index.column(), role)
        result = row.result
        if role == RESULT_ROLE:
            return result
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._text(result, column)
            if role == Qt.ItemDataRole.ToolTipRole and column == "verdict":
                return self._verdict_meaning(result)
            return text
        if column == "verdict" and role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole):
            key = "n/a" if result.state is State.not_applicable else result.ok
            foreground, background = COLOURS[key]
            return QBrush(QColor(foreground if role == Qt.ItemDataRole.ForegroundRole else background))
        if column == "verdict" and role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None

    def _heading(self, stage: str, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole and column == 0:
            if self._assessment is None:
                return None
            verdict = self._assessment.stage_verdict(stage)
            return " · ".join((stage_title(stage), decision_text(verdict)))
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor("#dde3ea"))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#1f2933"))
        return None

    def _text(self, result: CriterionResult, column: str) -> str:
        criterion = result.criterion
        if column == "id":
            return criterion.id
        if column == "category":
            return self.tr("Inclusion") if criterion.category is Category.inclusion else self.tr("Exclusion")
        if column == "criterion":
            return criterion.text
        if column == "values":
            return "\n".join(self._value_lines(result))
        if column == "verdict":
            return verdict_text(result)
        return result.reason

    def _value_lines(self, result: CriterionResult) -> list[str]:
        criterion = result.criterion
        if criterion.rule is None:
            recorded = self._values.get(criterion.id)
            observation = recorded.observation if recorded else None
            return [self.tr("Answer: {value}").format(value=show_observation(None, observation))]
        lines = []
        for name in rule_items(criterion.rule):
            if name == "consent":
                consent_on = self._assessment.subject.facts.consent_on if self._assessment else None
                lines.append(self.tr("Consent complete: {date}").format(date=show_date(consent_on)) if consent_on
                             else self.tr("Consent: not complete"))
            elif name not in BUILT_IN_REFERENCES and name in self._values:
                recorded = self._values[name]
                label = recorded.item.label if recorded.item else name
                lines.append(f"{label}: {show_observation(recorded.item, recorded.observation)}")
        return lines

    def _verdict_meaning(self, result: CriterionResult) -> str:
        if result.ok is None:
            return self.tr("Missing: this criterion cannot be decided yet.")
        if result.state is State.not_applicable:
            return self.tr("Not applicable to this participant's group.")
        if result.ok:
            return self.tr("This allows participation.")
        return self.tr("This excludes the participant.")


def verdict_text(result: CriterionResult) -> str:
    """The state in words, with a sign that says whether it allows participation (an exclusion met does not)."""
    sign = {True: "✔", False: "✘", None: "?"}[result.ok] if result.state is not State.not_applicable else "–"
    return f"{sign} {result.state.label}"


def _tr(text: str, n: int = -1) -> str:
    """Strings of the helpers below, in one translation context whichever widget shows them."""
    return QCoreApplication.translate("Eligibility", text, None, n)


def stage_title(stage: str) -> str:
    if stage == ENROLLMENT:
        return _tr("At enrollment")
    return _tr("At {stage}").format(stage=stage.replace("_", " "))


def decision_text(verdict: Verdict, name_missing: bool = True) -> str:
    """Eligible / Not eligible: IN03, EX02 / Incomplete: 2 criteria missing (IN01, EX03)."""
    if verdict.decision is Decision.eligible:
        return _tr("Eligible")
    if verdict.decision is Decision.not_eligible:
        return _tr("Not eligible: {criteria}").format(criteria=", ".join(verdict.failing))
    missing = QCoreApplication.translate("Eligibility", "Incomplete: %n criterion(s) missing", None,
                                         len(verdict.missing))  # spelled out: lupdate reads only literal calls
    return f"{missing} ({', '.join(verdict.missing)})" if name_missing else missing


def show_observation(item: Item | None, observation: Observation | None) -> str:
    """A recorded value as the coordinator reads it: the choice's words, the unit, the date it was measured."""
    if observation is None:
        return _tr("not recorded")
    value = observation.value
    if item is None or item.kind is ItemKind.yes_no:
        shown = _tr("yes") if value == "yes" else _tr("no")
    elif item.kind is ItemKind.choice:
        shown = item.choices.get(value, value)
    elif item.kind is ItemKind.date:
        shown = _tr("none") if value == NONE else show_date(date.fromisoformat(value))
    else:
        unit = observation.unit or item.unit or ""
        shown = f"{value} {unit}".strip()
        if observation.uln is not None:
            shown += _tr(" (ULN {uln})").format(uln=f"{observation.uln:g}")
    if observation.measured_on is not None:
        shown += _tr(", measured {date}").format(date=show_date(observation.measured_on))
    return shown

