"""The consent commands: sign, status, withdraw, and the to-do list of what is due."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import timedelta

from coordinator.audit.export_log import STANDARD_OUTPUT, log_export
from coordinator.cli.output import print_json, print_table
from coordinator.cli.session import signed_in
from coordinator.consent import service as consent
from coordinator.consent import todo
from coordinator.consent.status import ConsentStatus
from coordinator.i18n import _
from coordinator.participants.queries import get_participant


def status_data(result: ConsentStatus) -> dict:
    return {"state": result.state.value, "summary": result.summary, "missing": result.missing,
            "reason": result.reason, "since": result.since, "scopes": sorted(s.value for s in result.scopes)}


def _print_status(options: argparse.Namespace, code: str, result: ConsentStatus) -> None:
    if options.json:
        print_json({"code": code.upper(), **status_data(result)})
        return
    print(f"{code.upper()}: {result.summary}")
    for item in result.missing:
        print(f"  - {item}")


def sign(options: argparse.Namespace) -> None:
    ctx = signed_in(options).ctx
    result = consent.sign(ctx, options.code, consent.SignatureInput(
        options.role, options.name, options.date, options.time, options.relationship, options.document,
        options.assent, options.obtained_by, options.witness, options.exception, options.exception_document,
        tuple(options.condition or ()), options.new_episode))
    _print_status(options, options.code, result)


def status(options: argparse.Namespace) -> None:
    ctx = signed_in(options).ctx
    result = consent.status(ctx, options.code)
    if not options.json:
        _print_status(options, options.code, result)
        for record in consent.signatures_of(ctx, options.code):
            print(f"  {record.signed_on} {record.role.label}: {record.name} "
                  f"({record.document} {record.version}{', ' + record.assent if record.assent else ''})")
        return
    signers = consent.signatures_of(ctx, options.code)
    code = options.code.strip().upper()  # names of the signers: an export, logged before it is printed
    log_export(ctx, _("consent status JSON"), STANDARD_OUTPUT, study=get_participant(ctx, code).row.study,
               subject=code)
    print_json({"code": code, **status_data(result), "signatures": [
        {"role": r.role.value, "name": r.name, "relationship": r.relationship, "signed_on": r.signed_on,
         "signed_time": r.signed_time, "document": r.document, "version": r.version, "obtained_by": r.obtained_by,
         "witness": r.witness, "assent": r.assent, "exception": r.exception, "episode": r.episode}
        for r in signers]})


def withdraw(options: argparse.Namespace) -> None:
    ctx = signed_in(options).ctx
    result = consent.withdraw(ctx, options.code, options.date, options.by, options.scope)
    _print_status(options, options.code, result)


def due(options: argparse.Namespace) -> None:
    ctx = signed_in(options).ctx
    today = ctx.today()
    found = todo.consent_todo(ctx, today, today + timedelta(days=options.days), study=options.study)
    if options.json:
        log_export(ctx, _("consent to-do JSON"), STANDARD_OUTPUT, study=options.study)  # before it is printed
        print_json([vars(item) for item in found])
        return
    print_table([_("CODE"), _("DUE"), _("WHY")], [(item.code, item.due, item.why) for item in found])


def add_parsers(group: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    """Add `consent sign|status|withdraw|todo` under the `consent` command."""
    sub = group.add_subparsers(dest="consent_command", metavar="ACTION", required=True, parser_class=type(group))

    def action(name: str, run: Callable[[argparse.Namespace], None], help_text: str) -> argparse.ArgumentParser:
        found = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        found.set_defaults(run=run)
        return found

    signing = action("sign", sign, _("record one signature (each signer is its own record)"))
    signing.add_argument("code")
    signing.add_argument("--role", required=True,
                         help="holder1, holder2, guardian, participant, assent, witness, investigator")
    signing.add_argument("--name", required=True, help=_("the signer's name (kept on the identity side)"))
    signing.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    signing.add_argument("--time", metavar="HH:MM")
    signing.add_argument("--relationship", help=_("e.g. mother, father, legal guardian"))
    signing.add_argument("--document", metavar="VERSION", help=_("default: the version in effect on the date"))
    signing.add_argument("--assent", choices=("given", "refused"))
    signing.add_argument("--obtained-by", help=_("staff member who obtained it (default: you)"))
    signing.add_argument("--witness", help=_("name of a witness"))
    signing.add_argument("--exception", choices=("sole_holder", "l1122_2"),
                         help=_("French one-holder exception, with the first holder's signature"))
    signing.add_argument("--exception-document", help=_("sole_holder: the document showing it"))
    signing.add_argument("--condition", action="append",
                         choices=("minimal_risk", "not_healthy_volunteer", "other_holder_unreachable"),
                         help=_("l1122_2: confirm each of the three conditions"))
    signing.add_argument("--new-episode", action="store_true", help=_("sign again after a withdrawal"))

    action("status", status, _("show the consent status and the signatures")).add_argument("code")

    withdrawal = action("withdraw", withdraw, _("record a withdrawal of consent"))
    withdrawal.add_argument("code")
    withdrawal.add_argument("--scope", required=True, action="append",
                            choices=("follow_up", "data_use", "samples"),
                            help=_("what it stops: follow_up, data_use, samples (repeat for several)"))
    withdrawal.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    withdrawal.add_argument("--by", default="participant", help=_("who withdrew (a role; default participant)"))

    listing = action("todo", due, _("consent due now and in the coming days"))
    listing.add_argument("--study")
    listing.add_argument("--days", type=int, default=30)
