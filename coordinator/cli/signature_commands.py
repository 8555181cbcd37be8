"""`coordinator sign KIND CODE --meaning M` and `coordinator signatures CODE`: electronic signatures.

Signing asks for the password again, even right after signing in: at a prompt, or from its own variable
COORDINATOR_SIGNATURE_PASSWORD, never from COORDINATOR_PASSWORD, the sign-in's: the signature is the signer's
deliberate act, not a side effect of the session (21 CFR 11.200(a)(1)).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from coordinator.audit.export_log import STANDARD_OUTPUT, log_export
from coordinator.cli.output import print_json, print_table
from coordinator.cli.session import SIGNATURE_PASSWORD_ENV, secret, signed_in
from coordinator.i18n import _
from coordinator.signatures import service as signatures
from coordinator.signatures.meanings import MEANINGS, parse_meaning
from coordinator.signatures.records import KINDS
from coordinator.signatures.service import SignatureView

Command = Callable[[str, Callable[[argparse.Namespace], Any], str], argparse.ArgumentParser]


def _data(view: SignatureView) -> dict[str, Any]:
    return {"id": view.id, "kind": view.kind, "code": view.code, "study": view.study,
            "printed_name": view.printed_name, "login": view.signer, "meaning": view.meaning.value,
            "signed_at": view.signed_at, "signed_at_local": view.time_with_zone, "valid": view.valid}


def sign(options: argparse.Namespace) -> None:
    ctx = signed_in(options).ctx
    parse_meaning(options.meaning)  # refused before the password is typed, as the role and the record are
    kind, _record = signatures.check_signable(ctx, options.kind, options.code)
    password = secret(SIGNATURE_PASSWORD_ENV, _("Password of {login} again, to sign {what}: ").format(
        login=ctx.actor, what=kind.describe(options.code.upper())))
    view = signatures.sign(ctx, kind.name, options.code, options.meaning, password)
    if options.json:
        print_json(_data(view))
        return
    print(_("Signed by {name} ({login}) — {meaning} — {at}.").format(
        name=view.printed_name, login=view.signer, meaning=view.meaning.label, at=view.time_with_zone))


def list_signatures(options: argparse.Namespace) -> None:
    ctx = signed_in(options).ctx
    found = signatures.signatures_of(ctx, options.code, options.kind)
    if options.json:
        code = options.code.strip().upper()
        log_export(ctx, _("signatures JSON"), STANDARD_OUTPUT, study=code.rsplit("-", 2)[0], subject=code)
        print_json([_data(view) for view in found])
        return
    if not found:
        print(_("{code} has no electronic signature.").format(code=options.code.upper()))
        return
    print_table([_("RECORD"), _("SIGNED BY"), _("LOGIN"), _("DATE AND TIME"), _("MEANING"), _("VALID")], [
        (view.kind_label, view.printed_name, view.signer, view.time_with_zone, view.meaning.label,
         _("valid") if view.valid else _("INVALID: changed after signing")) for view in found])


def add_commands(command: Command) -> None:
    """Add `sign` and `signatures` as top-level commands."""
    kinds = ", ".join(KINDS)
    meanings = ", ".join(meaning.value for meaning in MEANINGS)
    signing = command("sign", sign, _(
        "sign a participant's record electronically ({kinds}); the password is asked again "
        "(or COORDINATOR_SIGNATURE_PASSWORD; never COORDINATOR_PASSWORD)").format(kinds=kinds))
    signing.add_argument("kind", metavar="KIND", help=_("what to sign: {kinds}").format(kinds=kinds))
    signing.add_argument("code", metavar="CODE", help=_("participant code"))
    signing.add_argument("--meaning", help=_("what the signature means: {meanings}").format(meanings=meanings))

    listing = command("signatures", list_signatures, _(
        "a participant's electronic signatures: printed name, date and time, meaning, and whether each still holds"))
    listing.add_argument("code", metavar="CODE", help=_("participant code"))
    listing.add_argument("--kind", help=_("only the signatures of one record: {kinds}").format(kinds=kinds))
