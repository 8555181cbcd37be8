"""`coordinator audit ...`: check the audit trail's hash chain, export the trail."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from coordinator.audit import chain
from coordinator.cli.output import print_json
from coordinator.cli.session import signed_in
from coordinator.i18n import _
from coordinator.security.permissions import Permission


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


def add_parsers(group: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(group))

    def action(name: str, run: Callable[[argparse.Namespace], int | None], help_text: str) -> argparse.ArgumentParser:
        found = actions.add_parser(name, parents=[common], help=help_text, description=help_text)
        found.set_defaults(run=run)
        return found

    action("verify", verify, _("check that no audit row was edited, deleted, inserted or moved outside the program "
                               "(exit 0 intact, 1 with the rows at fault)"))
