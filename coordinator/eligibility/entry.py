"""Reading a source value as a coordinator types it: which item it is for, and whether it makes sense."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from coordinator.eligibility.rules import NONE, Facts, reference_date
from coordinator.eligibility.units import factor, unit_for
from coordinator.errors import InputError
from coordinator.i18n import _
from coordinator.studies.rule_schema import BUILT_IN_REFERENCES, ULN, Criterion, Item, ItemKind, rule_items
from coordinator.studies.schema import StudyDefinition
from coordinator.values import clean_text, parse_date

YES = ("yes", "y", "true", "1", "oui", "ja", "예")
NO = ("no", "n", "false", "0", "non", "nee", "아니오")


@dataclass(frozen=True)
class ValueInput:
    """One value as typed: `target` is an item id, or a criterion id (its only item, or its yes/no answer)."""

    target: str
    value: str
    unit: str | None = None
    measured_on: str | date | None = None
    source: str | None = None
    uln: str | None = None  # the laboratory's upper limit of normal, in the value's unit


@dataclass(frozen=True)
class Entry:
    """A checked value, ready to store."""

    key: str  # item id, or the id of a criterion answered yes/no
    label: str
    value: str
    unit: str | None
    uln: float | None
    measured_on: date | None
    source: str | None

    def row(self) -> dict[str, object]:
        return {"value": self.value, "unit": self.unit, "uln": self.uln,
                "measured_on": self.measured_on.isoformat() if self.measured_on else None, "source": self.source}


def resolve(definition: StudyDefinition, target: str) -> Item | Criterion:
    """The item a value is recorded for; a criterion stands for its only item, or for its yes/no answer."""
    wanted = target.strip().upper()
    eligibility = definition.eligibility
    if eligibility is None:
        raise InputError(_("{study} has no eligibility criteria in its study file.").format(
            study=definition.short_name), field="criterion")
    items = definition.items
    if wanted in items:
        return items[wanted]
    criterion = next((c for c in eligibility.criteria if c.id == wanted), None)
    if criterion is None:
        known = ", ".join([c.id for c in eligibility.criteria] + list(items))
        raise InputError(_("{study} has no criterion or item {target}. Known: {known}.").format(
            study=definition.short_name, target=target, known=known), field="criterion")
    if criterion.rule is None:
        return criterion
    names = [name for name in rule_items(criterion.rule) if name not in BUILT_IN_REFERENCES]
    if len(names) == 1:
        return items[names[0]]
    if not names:
        raise InputError(_("{criterion} is computed from the birth date and the consent: there is nothing to "
                           "record for it.").format(criterion=criterion.id), field="criterion")
    raise InputError(_("{criterion} reads several values: record each of {items}.").format(
        criterion=criterion.id, items=", ".join(names)), field="criterion")


def check_entry(definition: StudyDefinition, given: ValueInput, facts: Facts, today: date) -> Entry:
    """Validate one value against its item; refuse it with the reason in words."""
    target = resolve(definition, given.target)
    source = clean_text(given.source)
    measured_on = _measured_on(given.measured_on, facts, today)
    if isinstance(target, Criterion):
        _no_unit(given, target.id)
        return Entry(target.id, target.id, _yes_no(given.value, target.id), None, None, measured_on, source)
    item = target
    text = given.value.strip()
    if not text:
        raise InputError(_("Give a value for {label}.").format(label=item.label), field="value")
    if item.window is not None:
        _in_window(item, measured_on, facts)
    if item.kind is ItemKind.number:
        unit = unit_for(item, given.unit)
        number = _number(text, item.label, "value")
        uln = _uln(item, given.uln, unit)
        _plausible(item, number, unit)
        return Entry(item.id, item.label, f"{number:.10g}", unit, uln, measured_on, source)
    _no_unit(given, item.label)
    if item.kind is ItemKind.date:
        if item.none_allowed and text.lower() in (NONE, _("none")):
            return Entry(item.id, item.label, NONE, None, None, measured_on, source)
        when = parse_date(text, "value", item.label)
        if when > today:
            raise InputError(_("{label} {date} is in the future.").format(label=item.label, date=when.isoformat()),
                             field="value")
        if when < facts.birth_date:
            raise InputError(_("{label} {date} is before the birth date.").format(
                label=item.label, date=when.isoformat()), field="value")
        return Entry(item.id, item.label, when.isoformat(), None, None, measured_on, source)
    if item.kind is ItemKind.yes_no:
        return Entry(item.id, item.label, _yes_no(text, item.label), None, None, measured_on, source)
    return Entry(item.id, item.label, _choice(item, text), None, None, measured_on, source)


def check_windows(definition: StudyDefinition, entries: list[Entry], facts: Facts) -> None:
    """Check the dates again once every value of a batch is known: a reference date given in the same batch
    (an infusion date with the day's labs) counts too."""
    items = definition.items
    for entry in entries:
        item = items.get(entry.key)
        if item is not None and item.window is not None:
            _in_window(item, entry.measured_on, facts)


def _in_window(item: Item, measured_on: date | None, facts: Facts) -> None:
    """A value that counts only within a window needs its date, and not after the window's reference event."""
    if measured_on is None:
        raise InputError(_("{label} needs the date it was measured.").format(label=item.label), field="date")
    on = reference_date(facts, item.window.before) if item.window else None
    if on is not None and measured_on > on[0]:
        raise InputError(_("{label} is dated {date}, after {event} ({reference}): a value for this criterion must "
                           "be measured before it.").format(label=item.label, date=measured_on.isoformat(),
                                                            event=on[1], reference=on[0].isoformat()), field="date")


def _measured_on(text: str | date | None, facts: Facts, today: date) -> date | None:
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    when = parse_date(text, "date", _("Date measured"))
    if when > today:
        raise InputError(_("The date {date} is in the future.").format(date=when.isoformat()), field="date")
    if when < facts.birth_date:
        raise InputError(_("The date {date} is before the birth date.").format(date=when.isoformat()), field="date")
    return when


def _number(text: str, label: str, field: str) -> float:
    compact = text.replace(" ", "")
    if "," in compact and "." in compact:
        raise InputError(_("{label}: write \"{text}\" without the thousands separator: {plain}.").format(
            label=label, text=text, plain=compact.replace(",", "")), field=field)
    if re.fullmatch(r"-?[1-9]\d{0,2}(,\d{3})+", compact):
        raise InputError(_("{label}: \"{text}\" could be read two ways: write {plain} or {decimal}.").format(
            label=label, text=text, plain=compact.replace(",", ""), decimal=compact.replace(",", ".", 1)),
            field=field)
    try:
        number = float(compact.replace(",", "."))
    except ValueError:
        raise InputError(_("{label}: \"{text}\" is not a number.").format(label=label, text=text),
                         field=field) from None
    if not math.isfinite(number):
        raise InputError(_("{label}: \"{text}\" is not a number.").format(label=label, text=text), field=field)
    return number


def _uln(item: Item, text: str | None, unit: str) -> float | None:
    if text is None or not text.strip():
        return None
    if not item.uln:
        raise InputError(_("{label} is not compared with an upper limit of normal.").format(label=item.label),
                         field="uln")
    if unit == ULN:
        raise InputError(_("A value given as a multiple of the upper limit of normal needs no limit."), field="uln")
    uln = _number(text, _("Upper limit of normal"), "uln")
    if uln <= 0:
        raise InputError(_("The upper limit of normal must be above zero."), field="uln")
    return uln


def _plausible(item: Item, number: float, unit: str) -> None:
    if unit == ULN:
        if number < 0:
            raise InputError(_("{label} cannot be negative.").format(label=item.label), field="value")
        return
    converted = number * factor(item, unit)
    low = 0.0 if item.minimum is None else item.minimum
    if converted < low:
        raise InputError(_("{label} cannot be below {low} {unit}.").format(
            label=item.label, low=f"{low:g}", unit=item.unit), field="value")
    if item.maximum is not None and converted > item.maximum:
        raise InputError(_("{label} cannot be above {high} {unit}: check the value and its unit.").format(
            label=item.label, high=f"{item.maximum:g}", unit=item.unit), field="value")


def _yes_no(text: str, label: str) -> str:
    answer = text.strip().lower()
    if answer in YES:
        return "yes"
    if answer in NO:
        return "no"
    raise InputError(_("{label}: answer yes or no.").format(label=label), field="value")


def _choice(item: Item, text: str) -> str:
    wanted = text.strip().casefold()
    for code, label in item.choices.items():
        if wanted in (code.casefold(), label.casefold()):
            return code
    raise InputError(_("{label}: \"{text}\" is not one of the choices: {known}.").format(
        label=item.label, text=text, known=", ".join(f"{code} ({label})" for code, label in item.choices.items())),
        field="value")


def _no_unit(given: ValueInput, label: str) -> None:
    if given.unit and given.unit.strip():
        raise InputError(_("{label} has no unit.").format(label=label), field="unit")
    if given.uln and given.uln.strip():
        raise InputError(_("{label} is not compared with an upper limit of normal.").format(label=label),
                         field="uln")
