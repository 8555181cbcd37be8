"""The samples on the command line: `sample ...` (types, collection, aliquots, derivatives, custody, shipping,
one sample's details, the withdrawal's destruction list), `samples` (the list), `storage ...` (freezers, racks,
boxes and a box's map) and the sample documents under `print`.

Each command signs in, calls one sample service and prints its answer. The PDF modules are imported when a
document is written, so that starting the command line never loads ReportLab."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, islice
from pathlib import Path
from typing import Any

from coordinator.audit.export_log import STANDARD_OUTPUT, log_export
from coordinator.cli.output import print_json, print_table, warn
from coordinator.cli.session import signed_in
from coordinator.context import Context
from coordinator.documents.label_layouts import DEFAULT_LAYOUT, LAYOUTS
from coordinator.errors import CoordinatorError, InputError, RuleViolation
from coordinator.i18n import _
from coordinator.samples import queries, service, storage, withdrawal
from coordinator.samples.custody import Event, Status
from coordinator.samples.lineage import normalized_code
from coordinator.samples.positions import position_label
from coordinator.samples.quantities import cells_text
from coordinator.samples.queries import SampleDetail, SampleQuery, SampleRow
from coordinator.security.permissions import Permission
from coordinator.studies import catalogue
from coordinator.studies.sample_schema import SampleType

Run = Callable[[argparse.Namespace], Any]
Command = Callable[[str, Run, str], argparse.ArgumentParser]
BATCH = 2000  # rows read (and printed) at a time by `samples`: memory stays flat however long the list
DEFAULT_LIMIT = 1000
FREE = "."  # a free position on a box map


# --- shared bits ---------------------------------------------------------------------------------------------------


def _ctx(options: argparse.Namespace) -> Context:
    return signed_in(options).ctx


def _answer(options: argparse.Namespace, data: Any, lines: Sequence[str]) -> None:
    """A command's answer: `data` as JSON with --json, else the lines."""
    if options.json:
        print_json(data)
    else:
        for line in lines:
            print(line)


def _log_json(ctx: Context, what: str, study: str | None = None, subject: str | None = None) -> None:
    """Sample data printed as JSON is an export (a script keeps it): logged before it is printed."""
    log_export(ctx, what, STANDARD_OUTPUT, study=study, subject=subject)


def _dash(value: Any) -> str:
    return "–" if value is None or value == "" else str(value)


def _print_fields(fields: Sequence[tuple[str, Any]]) -> None:
    width = max(len(label) for label, _value in fields)
    for label, value in fields:
        print(f"{label.ljust(width)}  {_dash(value)}")


def _row_headers() -> list[str]:
    return [_("ID"), _("PARTICIPANT"), _("TYPE"), _("TIMEPOINT"), _("COLLECTED"), _("VOLUME"), _("REMAINING"),
            _("STATUS"), _("LOCATION")]


def _row_cells(row: SampleRow) -> tuple[str, ...]:
    return (row.code, row.participant, row.type_id, row.timepoint or "", row.collected_at, row.volume_text,
            row.remaining_text, row.status.label, row.location or "")


def _row_data(row: SampleRow) -> dict[str, Any]:
    return {"sample_id": row.code, "study": row.study, "participant": row.participant, "parent": row.parent,
            "level": row.level, "origin": row.origin, "type": row.type_id, "timepoint": row.timepoint,
            "collected_at": row.collected_at, "volume": row.volume, "unit": row.unit, "remaining": row.remaining,
            "status": row.status.value, "location": row.location}


def _dose_text(detail: SampleDetail) -> str | None:
    dose = detail.dose_per_kg
    if dose is None:
        return None
    return _("{cells} {marker} cells/kg").format(cells=cells_text(dose), marker=detail.marker)


def _add_at(parser: argparse.ArgumentParser, help_text: str | None = None, required: bool = False) -> None:
    parser.add_argument("--at", metavar="\"YYYY-MM-DD HH:MM\"", required=required,
                        help=help_text or _("when it happened, local time (default: now)"))


def _add_sample(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sample", metavar="ID", help=_("sample id, typed or scanned"))


# --- sample types ---------------------------------------------------------------------------------------------------


def sample_types(options: argparse.Namespace) -> None:
    """The sample types a study file declares."""
    ctx = _ctx(options)
    study = catalogue.current(ctx, options.study.strip().upper())
    ctx.require(Permission.READ, study.code)
    plan = study.definition.samples
    kinds = list(plan.types) if plan else []
    scopes = study.definition.consent.scopes
    if options.json:
        print_json([{"id": kind.id, "label": kind.label, "specimen": kind.specimen.value,
                     "specimen_label": kind.specimen.label, "unit": kind.unit, "timepoints": kind.timepoints,
                     "consent": kind.consent, "consent_label": scopes.get(kind.consent),
                     "derivatives": kind.derivatives, "made_from": _made_from(kinds, kind),
                     "dose_marker": kind.dose.marker if kind.dose else None, "collected": kind.primary}
                    for kind in kinds])
        return
    if not kinds:
        print(_("{study} declares no sample types.").format(study=study.code))
        return
    print_table([_("TYPE"), _("LABEL"), _("SPECIMEN"), _("UNIT"), _("TIMEPOINTS"), _("CONSENT"), _("DERIVATIVES"),
                 _("DOSE")], [line for kind in kinds for line in _type_lines(kinds, kind)])


def _made_from(kinds: list[SampleType], kind: SampleType) -> list[str]:
    return [other.id for other in kinds if kind.id in other.derivatives]


def _type_lines(kinds: list[SampleType], kind: SampleType) -> list[tuple[str, ...]]:
    """One line per timepoint (the type's other cells on the first), so that long labels stay readable."""
    if kind.primary:
        timepoints = [f"{key}: {label}" for key, label in kind.timepoints.items()] or [_("any time")]
    else:
        timepoints = [_("made from {types}").format(types=", ".join(_made_from(kinds, kind)))]
    dose = _("{marker} cells/kg").format(marker=kind.dose.marker) if kind.dose else ""
    first = (kind.id, kind.label, kind.specimen.label, kind.unit, timepoints[0], kind.consent,
             ", ".join(kind.derivatives), dose)
    return [first, *[("", "", "", "", timepoint, "", "", "") for timepoint in timepoints[1:]]]


# --- collection, aliquots, derivatives ------------------------------------------------------------------------------


def collect(options: argparse.Namespace) -> None:
    code = service.collect(_ctx(options), options.participant, service.Collection(
        options.type, options.at, options.volume, options.timepoint, options.collected_by, options.notes))
    _answer(options, {"sample_id": code}, [code])


def aliquot(options: argparse.Namespace) -> None:
    codes = service.aliquot(_ctx(options), options.sample, options.count, options.volume, options.at)
    _answer(options, {"sample_ids": codes}, codes)


def derive(options: argparse.Namespace) -> None:
    """The new ids; for a cell product dosed per kg, its dose too."""
    ctx = _ctx(options)
    codes = service.derive(ctx, options.sample, service.Derivation(
        options.type, options.volume, options.count, options.taken, options.at, options.total_cells,
        options.marker_cells, options.weight, options.notes))
    detail = queries.find(ctx, codes[0])
    dose = _dose_text(detail)
    lines = [*codes, _("dose: {dose}").format(dose=dose)] if dose else codes
    _answer(options, {"sample_ids": codes, "dose_per_kg": detail.dose_per_kg, "marker": detail.marker}, lines)


# --- storage and custody --------------------------------------------------------------------------------------------


def store(options: argparse.Namespace) -> None:
    _placed(options, _ctx(options))


def move(options: argparse.Namespace) -> None:
    """Like store, for a sample already in a box: a sample elsewhere is refused rather than silently stored."""
    ctx = _ctx(options)
    row = queries.find(ctx, options.sample).row
    if row.status is not Status.stored:
        raise RuleViolation(_("Sample {code} is not in a box (it is {status}): put it in one with 'coordinator "
                              "sample store'.").format(code=row.code, status=row.status.label), field="sample")
    _placed(options, ctx)


def _placed(options: argparse.Namespace, ctx: Context) -> None:
    where = service.store(ctx, options.sample, options.location, options.at)
    _answer(options, {"sample_id": normalized_code(options.sample), "location": where}, [where])


def retrieve(options: argparse.Namespace) -> None:
    where = service.retrieve(_ctx(options), options.sample, options.at, options.note)
    _changed(options, Status.retrieved, where)


def receive(options: argparse.Namespace) -> None:
    _changed(options, service.receive(_ctx(options), options.sample, options.at), None)


def use(options: argparse.Namespace) -> None:
    _changed(options, Status.used, service.use(_ctx(options), options.sample, options.reason, options.at))


def destroy(options: argparse.Namespace) -> None:
    _changed(options, Status.destroyed, service.destroy(_ctx(options), options.sample, options.reason, options.at))


def _changed(options: argparse.Namespace, status: Status, was_at: str | None) -> None:
    code = normalized_code(options.sample)
    line = _("{code}: {status}").format(code=code, status=status.label)
    if was_at:
        line += " " + _("(was at {location})").format(location=was_at)
    _answer(options, {"sample_id": code, "status": status.value, "was_at": was_at or None}, [line])


def ship(options: argparse.Namespace) -> None:
    """The manifest number; with --manifest, the manifest PDF too."""
    ctx = _ctx(options)
    if options.manifest:
        from coordinator.documents.pdf import pdf_path
        pdf_path(Path(options.manifest))  # a wrong file name is refused before anything is shipped
    number = service.ship(ctx, options.samples, options.to, options.at, options.note)
    try:
        pdf = _write_manifest(ctx, number, options.manifest) if options.manifest else None
    except CoordinatorError:
        print(number)  # shipped all the same: the number must not be lost with the manifest
        raise
    lines = [number] + ([_("Shipping manifest written: {path}").format(path=pdf)] if pdf else [])
    _answer(options, {"manifest": number, "pdf": pdf}, lines)


def _write_manifest(ctx: Context, number: str, out: str) -> Path:
    from coordinator.documents.shipping_manifest import print_manifest
    return print_manifest(ctx, number, Path(out))


# --- one sample, the list -------------------------------------------------------------------------------------------


def show(options: argparse.Namespace) -> None:
    """A sample's details, its custody events and what was made from it."""
    ctx = _ctx(options)
    detail = queries.find(ctx, options.sample)
    row = detail.row
    if options.json:
        _log_json(ctx, _("sample JSON"), row.study, row.participant)
        print_json(_detail_data(detail))
        return
    _print_fields(_detail_fields(detail))
    print()
    print(_("Events:"))
    print_table([_("WHEN"), _("EVENT"), _("BY"), _("LOCATION"), _("DETAIL")],
                [(e.at, e.event.label, e.by, e.location, _event_detail(e)) for e in detail.events])
    if detail.children:
        print()
        print(_("Made from it:"))
        print_table(_row_headers(), [_row_cells(child) for child in detail.children])


def _detail_fields(detail: SampleDetail) -> list[tuple[str, Any]]:
    row = detail.row
    timepoint = f"{row.timepoint} – {detail.timepoint_label}" if detail.timepoint_label else row.timepoint
    fields: list[tuple[str, Any]] = [
        (_("Sample"), row.code), (_("Study"), row.study), (_("Type"), f"{row.type_id} – {detail.type_label}"),
        (_("Specimen"), detail.specimen), (_("Participant"), row.participant), (_("Timepoint"), timepoint),
        (_("Collected"), _("{at} by {who}").format(at=row.collected_at, who=detail.collected_by)),
        (_("Volume"), row.volume_text), (_("Remaining"), row.remaining_text), (_("Status"), row.status.label),
        (_("Location"), row.location)]
    if row.parent:
        fields.append((_("Made from"), _("{parent} ({origin}, level {level})").format(
            parent=row.parent, origin=row.origin, level=row.level)))
    if detail.total_cells is not None:
        fields.append((_("Total cells"), cells_text(detail.total_cells)))
    if detail.marker_cells is not None:
        fields.append((_("{marker} cells").format(marker=detail.marker), cells_text(detail.marker_cells)))
    if detail.recipient_weight_kg is not None:
        fields.append((_("Recipient's weight"), f"{detail.recipient_weight_kg:g} kg"))
    dose = _dose_text(detail)
    if dose:
        fields.append((_("Dose"), dose))
    if detail.notes:
        fields.append((_("Notes"), detail.notes))
    return fields


def _event_detail(event: queries.EventRow) -> str:
    parts = []
    if event.destination:
        parts.append(_("to {destination}").format(destination=event.destination))
    if event.manifest:
        parts.append(_("manifest {number}").format(number=event.manifest))
    parts += [text for text in (event.reason, event.note) if text]
    return "; ".join(parts)


def _detail_data(detail: SampleDetail) -> dict[str, Any]:
    return {**_row_data(detail.row), "type_label": detail.type_label, "specimen": detail.specimen,
            "timepoint_label": detail.timepoint_label, "collected_by": detail.collected_by, "taken": detail.taken,
            "total_cells": detail.total_cells, "marker_cells": detail.marker_cells, "marker": detail.marker,
            "recipient_weight_kg": detail.recipient_weight_kg, "dose_per_kg": detail.dose_per_kg,
            "notes": detail.notes,
            "events": [{"at": e.at, "event": e.event.value, "by": e.by, "location": e.location,
                        "destination": e.destination, "manifest": e.manifest, "reason": e.reason, "note": e.note}
                       for e in detail.events],
            "children": [_row_data(child) for child in detail.children]}


def list_samples(options: argparse.Namespace) -> None:
    """The samples the filters keep, read a batch at a time; --limit rows (0: all), and how many more there are."""
    if options.limit < 0:
        raise InputError(_("--limit is a number of samples (0: all of them)."), field="limit")
    ctx = _ctx(options)
    if options.study:
        catalogue.current(ctx, options.study.strip().upper())  # an unknown study is named, not an empty list
    query = SampleQuery(study=options.study, participant=options.participant,
                        status=Status(options.status) if options.status else None, type=options.type,
                        text=options.search or "", sort=options.sort, descending=options.desc)
    total = queries.count(ctx, query)
    shown = total if options.limit == 0 else min(total, options.limit)
    rows = _pages(ctx, query, shown)
    if options.json:
        _log_json(ctx, _("sample list JSON"), query.study)
        _stream_json(_row_data(row) for row in rows)
        if shown < total:
            warn(_("{count} more samples; use --limit 0 to list them all.").format(count=total - shown))
        return
    if not total:
        print(_("No samples."))
        return
    _stream_table(_row_headers(), (_row_cells(row) for row in rows))
    if shown < total:
        print(_("… {count} more; use --limit 0 to list them all.").format(count=total - shown))


def _pages(ctx: Context, query: SampleQuery, wanted: int) -> Iterator[SampleRow]:
    for offset in range(0, wanted, BATCH):
        yield from queries.page(ctx, query, offset, min(BATCH, wanted - offset))


def _stream_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Aligned like `print_table`, without holding every row: the widths come from the first batch (a longer value
    further down only pushes its own line)."""
    rows = iter(rows)
    first = list(islice(rows, BATCH))
    widths = [max([len(header)] + [len(row[i]) for row in first]) for i, header in enumerate(headers)]
    for row in chain([headers], first, rows):
        print("  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip())


def _stream_json(items: Iterable[Any]) -> None:
    """A JSON list written one object a line as the objects come."""
    out = sys.stdout
    out.write("[")
    separator = "\n  "
    for item in items:
        out.write(separator + json.dumps(item, ensure_ascii=False, default=str))
        separator = ",\n  "
    out.write("\n]\n" if separator != "\n  " else "]\n")


# --- freezers, racks, boxes -----------------------------------------------------------------------------------------


def add_storage(options: argparse.Namespace) -> None:
    path = storage.add_unit(_ctx(options), options.kind, options.path, options.rows, options.columns, options.note)
    kind = storage.UnitKind(options.kind)
    size = _("{rows} rows × {columns} columns").format(rows=options.rows, columns=options.columns)
    line = _("Added {kind} {path}").format(kind=kind.label, path=path)
    _answer(options, {"path": path, "kind": kind.value, "rows": options.rows, "columns": options.columns},
            [f"{line} ({size})." if kind is storage.UnitKind.box else f"{line}."])


def list_storage(options: argparse.Namespace) -> None:
    """Every freezer, rack and box, indented under what holds it; a freezer or rack counts the boxes in it."""
    found = storage.units(_ctx(options))
    capacity = {unit.path: _held(found, unit) for unit in found}
    if options.json:
        print_json([{"path": unit.path, "kind": unit.kind.value, "rows": unit.rows, "columns": unit.columns,
                     "occupied": capacity[unit.path][0], "free": capacity[unit.path][1], "note": unit.note}
                    for unit in found])
        return
    if not found:
        print(_("No storage yet: add a freezer with 'coordinator storage add freezer F1'."))
        return
    print_table([_("PATH"), _("KIND"), _("SIZE"), _("OCCUPIED/FREE"), _("NOTE")], [
        ("  " * unit.path.count("/") + unit.path, unit.kind.label,
         f"{unit.rows} × {unit.columns}" if unit.rows else "",
         "{}/{}".format(*capacity[unit.path]) if unit.kind is storage.UnitKind.box or capacity[unit.path][1] else "",
         unit.note) for unit in found])


def _held(units: list[storage.UnitRow], unit: storage.UnitRow) -> tuple[int, int]:
    """(occupied, free) positions in the box, or in the boxes under the freezer or rack."""
    boxes = [box for box in units if box.kind is storage.UnitKind.box
             and (box.path == unit.path or box.path.startswith(unit.path + "/"))]
    occupied = sum(box.occupied for box in boxes)
    return occupied, sum((box.rows or 0) * (box.columns or 0) for box in boxes) - occupied


def show_box(options: argparse.Namespace) -> None:
    """The box as a grid: rows A.. down, columns 1.. across, each cell the sample id or '.' when free."""
    ctx = _ctx(options)
    mapped = storage.box_map(ctx, options.path)
    if options.json:
        _log_json(ctx, _("box map JSON"))
        print_json({"box": mapped.path, "rows": mapped.rows, "columns": mapped.columns, "free": mapped.free,
                    "positions": [{"position": position_label(number, mapped.columns), "number": number,
                                   "sample_id": o.code, "study": o.study, "participant": o.participant,
                                   "type": o.type_id, "status": o.status.value if o.code else None}
                                  for number, o in sorted(mapped.occupants.items())]})
        return
    cells = [[_box_cell(mapped, row * mapped.columns + column + 1) for column in range(mapped.columns)]
             for row in range(mapped.rows)]
    numbers = [str(column + 1) for column in range(mapped.columns)]
    width = max(len(cell) for line in [numbers, *cells] for cell in line)  # one width: the grid stays square
    print_table(["", *[number.ljust(width) for number in numbers]],
                [[position_label(row * mapped.columns + 1, mapped.columns)[0], *[cell.ljust(width) for cell in line]]
                 for row, line in enumerate(cells)])
    print()
    print(_("Box {box}: {count} samples, {free} of {size} positions free.").format(
        box=mapped.path, count=len(mapped.occupants), free=mapped.free, size=mapped.rows * mapped.columns))
    print(_("\"{free}\" is a free position.").format(free=FREE))
    if any(occupant.code is None for occupant in mapped.occupants.values()):
        print(_("\"{occupied}\" is a sample of a study you may not read.").format(occupied=_("occupied")))


def _box_cell(mapped: storage.BoxMap, number: int) -> str:
    occupant = mapped.occupants.get(number)
    if occupant is None:
        return FREE
    return occupant.code or _("occupied")  # a sample of a study the user may not read


# --- withdrawal: what to destroy ------------------------------------------------------------------------------------


def destruction(options: argparse.Namespace) -> None:
    """What the withdrawal of a participant asks to destroy; --out writes the certificate to sign, --confirm marks
    the samples destroyed."""
    ctx = _ctx(options)
    listed = withdrawal.destruction_list(ctx, options.participant)
    pdf = _write_certificate(ctx, listed.participant, options.out) if options.out else None
    confirmed = None
    if options.confirm:  # the samples printed below: refused if the list changed since it was read
        confirmed = withdrawal.confirm_destruction(ctx, listed.participant, options.at,
                                                   expected=[row.code for row in listed.to_destroy])
    shipped = {row.code: _last_shipment(listed, row.code) for row in listed.elsewhere}
    if options.json:
        _log_json(ctx, _("destruction list JSON"), listed.study or None, listed.participant)
        print_json({"participant": listed.participant, "study": listed.study, "withdrawn_on": listed.withdrawn_on,
                    "certificate": listed.certificate_number, "to_destroy": [_row_data(r) for r in listed.to_destroy],
                    "elsewhere": [{**_row_data(r), "destination": shipped[r.code][0], "manifest": shipped[r.code][1]}
                                  for r in listed.elsewhere],
                    "destroyed": [_row_data(r) for r in listed.destroyed], "pdf": pdf,
                    "marked_destroyed": len(confirmed.to_destroy) if confirmed else 0})
        return
    print(_("Consent of {code} withdrawn on {date} with \"destroy samples\" (certificate {number}).").format(
        code=listed.participant, date=listed.withdrawn_on.isoformat(), number=listed.certificate_number))
    _section(_("To destroy at the site:"), _row_headers(), [_row_cells(r) for r in listed.to_destroy])
    _section(_("Shipped elsewhere: ask the destination to destroy them:"), [*_row_headers()[:-1], _("SHIPPED TO"),
             _("MANIFEST")], [(*_row_cells(r)[:-1], *shipped[r.code]) for r in listed.elsewhere])
    _section(_("Already destroyed or used up:"), _row_headers(), [_row_cells(r) for r in listed.destroyed])
    if pdf:
        print(_("Destruction certificate written: {path}").format(path=pdf))
    if confirmed:
        print(_("{count} samples marked destroyed.").format(count=len(confirmed.to_destroy)))


def _section(title: str, headers: Sequence[str], rows: list[Sequence[str]]) -> None:
    print()
    print(title)
    if rows:
        print_table(headers, rows)
    else:
        print("  " + _("none"))


def _last_shipment(listed: withdrawal.DestructionList, code: str) -> tuple[str, str]:
    """Where a shipped sample went and under which manifest, from its latest event (read with the list)."""
    last = listed.last_event(code)
    if last is None or last.event is not Event.shipped:
        return "", ""
    return last.destination or "", last.manifest or ""


def _write_certificate(ctx: Context, participant: str, out: str) -> Path:
    from coordinator.documents.destruction_certificate import print_destruction_certificate
    return print_destruction_certificate(ctx, participant, Path(out))


# --- documents ------------------------------------------------------------------------------------------------------


def print_labels(options: argparse.Namespace) -> None:
    from coordinator.documents.labels import print_labels as write_labels
    _written(options, _("Labels"), write_labels(_ctx(options), options.samples, Path(options.out),
                                                layout=options.layout, first_position=options.start))


def print_manifest(options: argparse.Namespace) -> None:
    _written(options, _("Shipping manifest"), _write_manifest(_ctx(options), options.number, options.out))


def print_certificate(options: argparse.Namespace) -> None:
    _written(options, _("Destruction certificate"), _write_certificate(_ctx(options), options.participant,
                                                                       options.out))


def _written(options: argparse.Namespace, what: str, path: Path) -> None:
    _answer(options, {"pdf": path}, [_("{what} written: {path}").format(what=what, path=path)])


# --- parsers --------------------------------------------------------------------------------------------------------


def add_groups(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, command: Command) -> None:
    """Add the `sample` and `storage` groups and the `samples` list as top-level commands."""
    for name, adder, help_text in (
            ("sample", _add_sample_actions, _("collect, split, derive, store, ship and destroy samples; one "
                                              "sample's details")),
            ("storage", _add_storage_actions, _("freezers, racks and boxes, and the map of a box"))):
        group = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        adder(_actions(group, common))
    listing = command("samples", list_samples, _("list samples, filtered and sorted"))
    listing.add_argument("--study", help=_("study short name, e.g. MILA"))
    listing.add_argument("--participant", metavar="CODE", help=_("participant code"))
    listing.add_argument("--status", type=str.lower, choices=[status.value for status in Status],
                         help=_("only the samples in this state"))
    listing.add_argument("--type", metavar="TYPE", help=_("sample type, e.g. BMA"))
    listing.add_argument("--search", metavar="TEXT", help=_("part of a sample id"))
    listing.add_argument("--sort", default="code", choices=list(queries.SORTS), help=_("default: id"))
    listing.add_argument("--desc", action="store_true", help=_("sort in descending order"))
    listing.add_argument("--limit", type=int, default=DEFAULT_LIMIT, metavar="N", help=_(
        "show at most N samples (default {n}; 0: all)").format(n=DEFAULT_LIMIT))


Action = Callable[[str, Run, str], argparse.ArgumentParser]


def _actions(group: argparse.ArgumentParser, common: argparse.ArgumentParser) -> Action:
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(group))

    def action(name: str, run: Run, help_text: str) -> argparse.ArgumentParser:
        found = actions.add_parser(name, parents=[common], help=help_text, description=help_text)
        found.set_defaults(run=run)
        return found

    return action


def _add_sample_actions(action: Action) -> None:
    kinds = action("types", sample_types, _("the sample types of a study: specimen, unit, timepoints, consent, "
                                            "what can be made from them"))
    kinds.add_argument("--study", required=True, help=_("study short name, e.g. MILA"))

    collecting = action("collect", collect, _("record a sample taken from a participant (consent must cover it); "
                                              "prints the new sample id"))
    collecting.add_argument("participant", metavar="CODE", help=_("participant code"))
    collecting.add_argument("--type", required=True, help=_("sample type, e.g. BMA (see 'sample types')"))
    _add_at(collecting, _("when it was taken, local time"), required=True)
    collecting.add_argument("--volume", required=True, help=_("amount with its unit, e.g. 5mL"))
    collecting.add_argument("--timepoint", help=_("e.g. DIAG (see 'sample types')"))
    collecting.add_argument("--collected-by", metavar="NAME", help=_("who took it (default: you)"))
    collecting.add_argument("--notes", metavar="TEXT")

    splitting = action("aliquot", aliquot, _("split a sample into aliquots of the same type; prints their ids"))
    _add_sample(splitting)
    splitting.add_argument("--count", type=int, required=True, metavar="N")
    splitting.add_argument("--volume", required=True, help=_("each aliquot's volume, e.g. 0.5mL"))
    _add_at(splitting)

    deriving = action("derive", derive, _("make samples of another type from a sample (MSC culture, DLI doses, "
                                          "NK-cell product); prints their ids and, for a dosed product, the dose"))
    _add_sample(deriving)
    deriving.add_argument("--type", required=True, help=_("the type made, e.g. DLI"))
    deriving.add_argument("--volume", required=True, help=_("each one's volume, e.g. 20mL"))
    deriving.add_argument("--count", type=int, default=1, metavar="N", help=_("how many (default 1)"))
    deriving.add_argument("--taken", metavar="VOLUME", help=_(
        "what each one takes from the parent, when its own volume says otherwise"))
    deriving.add_argument("--total-cells", metavar="N", help=_("cell count, e.g. 5e8 or 5 x 10^8"))
    deriving.add_argument("--marker-cells", "--cd3-cells", dest="marker_cells", metavar="N", help=_(
        "the dose marker's cells: CD3+ for a DLI, CD56+CD3- for an NK-cell product"))
    deriving.add_argument("--weight", help=_("the recipient's weight, e.g. 70kg"))
    deriving.add_argument("--notes", metavar="TEXT")
    _add_at(deriving)

    for name, run, help_text in (
            ("store", store, _("put a sample in a box position; prints the location")),
            ("move", move, _("move a stored sample to another position; prints the new location"))):
        placing = action(name, run, help_text)
        _add_sample(placing)
        placing.add_argument("--location", required=True, metavar="FREEZER/RACK/BOX/POS",
                             help=_("e.g. F1/R2/BOX-07/A1"))
        _add_at(placing)

    retrieving = action("retrieve", retrieve, _("take a sample out of its box"))
    _add_sample(retrieving)
    retrieving.add_argument("--note", metavar="TEXT", help=_("what for"))
    _add_at(retrieving)

    receiving = action("receive", receive, _("a sample arrives at the lab, or comes back from where it was shipped"))
    _add_sample(receiving)
    _add_at(receiving)

    for name, run, help_text, reason in (
            ("use", use, _("the sample was used up"), _("what it was used for, e.g. MRD assay")),
            ("destroy", destroy, _("the sample was destroyed (its record and id stay)"), _("why, e.g. haemolysed"))):
        ending = action(name, run, help_text)
        _add_sample(ending)
        ending.add_argument("--reason", required=True, help=reason)
        _add_at(ending)

    shipping = action("ship", ship, _("ship samples of one study under a new manifest number; prints the number"))
    shipping.add_argument("samples", nargs="+", metavar="ID", help=_("sample ids"))
    shipping.add_argument("--to", required=True, metavar="DESTINATION", help=_("e.g. \"Central lab, Lyon\""))
    shipping.add_argument("--note", metavar="TEXT")
    shipping.add_argument("--manifest", metavar="FILE.pdf", help=_("also write the shipping manifest"))
    _add_at(shipping)

    _add_sample(action("show", show, _("a sample's details, custody events and what was made from it")))

    destroying = action("destruction", destruction, _(
        "the samples a withdrawal with \"destroy samples\" asks to destroy, where each one is, and those shipped "
        "elsewhere"))
    destroying.add_argument("participant", metavar="CODE", help=_("participant code"))
    destroying.add_argument("--out", metavar="FILE.pdf", help=_("write the destruction certificate to sign"))
    destroying.add_argument("--confirm", action="store_true", help=_(
        "mark every sample still at the site destroyed (once they are)"))
    _add_at(destroying, _("when they were destroyed, with --confirm (default: now)"))


def _add_storage_actions(action: Action) -> None:
    adding = action("add", add_storage, _("add a freezer (F1), a rack in it (F1/R2) or a box in a rack "
                                          "(F1/R2/BOX-07, with --rows and --columns)"))
    adding.add_argument("kind", choices=[kind.value for kind in storage.UnitKind])
    adding.add_argument("path", metavar="PATH")
    adding.add_argument("--rows", type=int, metavar="R", help=_("a box's rows (lettered A..)"))
    adding.add_argument("--columns", type=int, metavar="C", help=_("a box's columns (numbered 1..)"))
    adding.add_argument("--note", metavar="TEXT", help=_("e.g. -80 °C, room 12"))
    action("list", list_storage, _("every freezer, rack and box, with occupied and free positions"))
    action("box", show_box, _("the map of a box: which sample is in which position")).add_argument("path",
                                                                                                   metavar="PATH")


def add_print_parsers(documents: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add `labels`, `manifest` and `destruction-certificate` under `print`."""
    def document(name: str, run: Run, help_text: str) -> argparse.ArgumentParser:
        found = documents.add_parser(name, parents=[common], help=help_text, description=help_text)
        found.set_defaults(run=run)
        found.add_argument("--out", required=True, metavar="FILE.pdf")
        return found

    labels = document("labels", print_labels, _(
        "sample labels: study, sample id, type, date, a 2D code and a Code128 barcode (no names)"))
    labels.add_argument("samples", nargs="+", metavar="ID", help=_("sample ids"))
    labels.add_argument("--layout", choices=list(LAYOUTS), default=DEFAULT_LAYOUT, help=_(
        "label sheet or roll: {layouts} (default: %(default)s)").format(layouts="; ".join(
            f"{name}: {layout.description}" for name, layout in LAYOUTS.items())))
    labels.add_argument("--start", type=int, default=1, metavar="N", help=_(
        "first label position on the sheet, to use a sheet already started (default 1)"))
    document("manifest", print_manifest, _("the manifest of a shipment")).add_argument("number", metavar="NUMBER")
    document("destruction-certificate", print_certificate, _(
        "the certificate of destruction for a withdrawal with \"destroy samples\"")).add_argument(
        "participant", metavar="CODE", help=_("participant code"))
