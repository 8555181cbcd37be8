"""`coordinator audit ...`: check the audit trail's hash chain, export the trail."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from coordinator.audit import chain
from coordinator.audit.export import export_trail
from coordinator.audit.trail import AuditQuery
from coordinator.cli.output import print_json
from coordinator.cli.session import signed_in
from coordinator.i18n import _
from coordinator.security.permissions import Permission
from coordinator.values import parse_date


def verify(options: argparse.Namespace) -> int:
    """Exit 0 when the chain is intact, 1 with the rows at fault."""
    ctx = signed_in(options).ctx
    ctx.require(Permission.REVIEW_AUDIT)
    report = chain.verify(ctx.engine)
    if options.json:
        print_json({"intact": report.intact, "rows_checked": report.checked,
                    "faults": [{"row": fault.row_id, "problem": fault.problem} for fault in report.faults]})
    elif report.intact:
        print(_("The audit trail is intact: {count} rows checked.").format(count=report.checked))
    else:
        print(_("The audit trail was changed outside the program: {count} finding(s) in {rows} rows.").format(
            count=len(report.faults), rows=report.checked))
        for fault in report.faults:
            where = _("row {id}").format(id=fault.row_id) if fault.row_id is not None else _("seal")
            print(f"  {where}: {fault.problem}")
    return 0 if report.intact else 1


def export(options: argparse.Namespace) -> None:
    """Write the trail, or the rows the filters keep, to a CSV or PDF file (identity values masked); logged."""
    since = parse_date(options.since, "since", "--from") if options.since else None
    until = parse_date(options.until, "until", "--to") if options.until else None
    query = AuditQuery(study=options.study, participant=options.participant, actor=options.actor,
                       table=options.table, since=since, until=until)
    done = export_trail(signed_in(options).ctx, query, Path(options.out))
    if options.json:
        print_json({"file": done.path, "rows": done.rows})
    else:
        print(_("Audit trail exported: {count} rows written to {path}").format(count=f"{done.rows:,}",
                                                                                path=done.path))


def adopt(options: argparse.Namespace) -> None:
    ctx = signed_in(options).ctx
    report = chain.adopt(ctx, options.reason or "")
    print(_("The seal is now signed with this workstation's key: {count} rows checked, intact.").format(
        count=report.checked))


def add_parsers(group: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(group))

    def action(name: str, run: Callable[[argparse.Namespace], int | None], help_text: str) -> argparse.ArgumentParser:
        found = actions.add_parser(name, parents=[common], help=help_text, description=help_text)
        found.set_defaults(run=run)
        return found

    action("verify", verify, _("check that no audit row was edited, deleted, inserted or moved outside the program "
                               "(exit 0 intact, 1 with the rows at fault)"))
    adopting = action("adopt", adopt, _(
        "sign the seal of a database brought from another workstation with this one's key, when its rows check "
        "out (administrator)"))
    adopting.add_argument("--reason", required=True, help=_("where the database comes from"))
    exporting = action("export", export, _("write the audit trail to a CSV or PDF file, all of it or the rows the "
                                           "filters keep; names and other identity values are masked; logged"))
    exporting.add_argument("--out", required=True, metavar="FILE.csv|FILE.pdf",
                           help=_("CSV for programs (every row), PDF for reading (up to a few thousand rows)"))
    exporting.add_argument("--study", help=_("only this study, e.g. MILA"))
    exporting.add_argument("--participant", metavar="CODE", help=_("only the rows about this participant"))
    exporting.add_argument("--actor", metavar="ID", help=_("only the rows written by this user (--user is who you "
                                                           "are)"))
    exporting.add_argument("--table", help=_("only the rows about this table, e.g. identity, consent_signature"))
    exporting.add_argument("--from", dest="since", metavar="YYYY-MM-DD", help=_("from this day (UTC), included"))
    exporting.add_argument("--to", dest="until", metavar="YYYY-MM-DD", help=_("up to this day (UTC), included"))
