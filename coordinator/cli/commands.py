"""The commands: each opens the workspace, calls one service and prints its result."""

from __future__ import annotations

import argparse
from pathlib import Path

from coordinator import backup as backups
from coordinator.audit.export_log import STANDARD_OUTPUT, log_export
from coordinator.audit.history import participant_history
from coordinator.cli.output import print_json, print_table, warn
from coordinator.cli.session import NEW_PASSWORD_ENV, secret, signed_in
from coordinator.consent.service import statuses as consent_statuses
from coordinator.demo import load_demo
from coordinator.documents.consent_checklist import print_checklist
from coordinator.errors import InputError, RuleViolation
from coordinator.i18n import _
from coordinator.participants.lifecycle import parse_status
from coordinator.participants.queries import ParticipantQuery, get_participant, list_participants
from coordinator.participants.register import Registration
from coordinator.participants.register import register as register_participant
from coordinator.security import accounts
from coordinator.studies import catalogue
from coordinator.workspace import Workspace, open_workspace

HISTORY_LINES = 20


def _open(options: argparse.Namespace) -> Workspace:
    return signed_in(options)


def _report_study_problems(workspace: Workspace) -> None:
    for problem in workspace.study_problems:
        warn(_("study file not loaded: {problem}").format(problem=problem))


def init(options: argparse.Namespace) -> None:
    """Create or upgrade the database; on a database without accounts, --admin creates the administrator.
    --demo: with --admin, the program's demo in the new database; else only by a user who may record everywhere."""
    if options.admin:
        if not (options.name or "").strip():  # refused before the password is asked
            raise InputError(_("Give the administrator's full name with --name \"FULL NAME\"."), field="name")
        workspace = open_workspace(options.db)
        if accounts.has_accounts(workspace.ctx):
            raise RuleViolation(_("This database already has accounts; an administrator adds users with "
                                  "'coordinator user add'."), field="admin")
        password = secret(NEW_PASSWORD_ENV, _("New password for {login}: ").format(login=options.admin), twice=True)
        accounts.create_first_administrator(workspace.ctx, options.admin, options.name, password,
                                            also_investigator=options.investigator)
    else:
        workspace = _open(options)
    _report_study_problems(workspace)
    added = load_demo(workspace.ctx.as_program() if options.admin else workspace.ctx) if options.demo else 0
    if options.json:
        print_json({"database": workspace.ctx.url, "schema": workspace.migration.to_revision,
                    "created": workspace.created, "backup": workspace.migration.backup,
                    "administrator": options.admin, "demo_participants": added})
        return
    print(_("Database ready: {url} (schema {schema}).").format(url=workspace.ctx.url,
                                                              schema=workspace.migration.to_revision))
    if options.admin:
        print(_("Administrator account {login} created.").format(login=options.admin.strip().lower()))
    if workspace.migration.backup:
        print(_("Upgraded from schema {old}; the previous file is kept as {path}.").format(
            old=workspace.migration.from_revision, path=workspace.migration.backup))
    if options.demo:
        print(_("Added {count} demo participants.").format(count=added) if added
              else _("Demo data not added: the database already has participants."))


def studies(options: argparse.Namespace) -> None:
    workspace = _open(options)
    _report_study_problems(workspace)
    found = catalogue.summaries(workspace.ctx)
    if options.json:
        print_json([{
            "code": s.code, "title": s.title, "version": s.version,
            "registry_ids": [entry.id for entry in s.definition.registry_ids],
            "country": s.definition.country, "randomized": s.definition.design.allocation.value == "randomized",
            "target": s.target, "registered": s.registered, "enrolled": s.enrolled,
            "sites": [{"number": site.number, "name": site.name} for site in s.definition.sites],
            "arms": [{"code": a.code, "label": a.label, "kind": a.kind, "target": a.target,
                      "enrolled": a.enrolled} for a in s.arms],
        } for s in found])
        return
    print_table(
        [_("STUDY"), _("VERSION"), _("REGISTRY"), _("ENROLLED/TARGET"), _("ARMS (enrolled/target)")],
        [(s.code, s.version, s.definition.registry_ids[0].id, f"{s.enrolled}/{s.target or '–'}",
          "; ".join(f"{a.code} {a.enrolled}/{a.target or '–'}" for a in s.arms)) for s in found],
    )


def register(options: argparse.Namespace) -> None:
    workspace = _open(options)
    result = register_participant(workspace.ctx, Registration(
        options.study, options.site, options.birth_date, options.sex, options.first_name, options.last_name,
        options.registered_on))
    for warning in result.warnings:
        warn(warning)
    if options.json:
        print_json({"code": result.code, "warnings": result.warnings})
    else:
        print(result.code)


def participants(options: argparse.Namespace) -> None:
    workspace = _open(options)
    query = ParticipantQuery(
        study=options.study, text=options.search, arm=options.arm,
        status=parse_status(options.status) if options.status else None, site=options.site,
    )
    found = list_participants(workspace.ctx, query)
    consents = consent_statuses(workspace.ctx, [p.id for p in found])
    today = workspace.ctx.today()
    if options.json:
        log_export(workspace.ctx, _("participant list JSON"), STANDARD_OUTPUT, study=query.study)  # before output
        print_json([{
            "code": p.code, "study": p.study, "site": p.site, "arm": p.arm, "status": p.status.value,
            "age": p.age(today), "registered_on": p.registered_on, "enrolled_on": p.enrolled_on,
            "ended_on": p.ended_on, "consent": consents[p.id].state.value,
        } for p in found])
        return
    print_table(
        [_("CODE"), _("SITE"), _("ARM"), _("STATUS"), _("AGE"), _("REGISTERED"), _("ENROLLED"), _("ENDED"),
         _("CONSENT")],
        [(p.code, p.site, p.arm, p.status.label, p.age(today), p.registered_on, p.enrolled_on, p.ended_on,
          consents[p.id].state.label) for p in found],
    )


def show(options: argparse.Namespace) -> None:
    workspace = _open(options)
    detail = get_participant(workspace.ctx, options.code)
    history = participant_history(workspace.ctx, detail.row.code)
    row = detail.row
    today = workspace.ctx.today()
    site = detail.definition.site(row.site)
    arm = detail.definition.arm(row.arm) if row.arm else None
    if options.json:  # names and history: an export, logged before it is printed
        log_export(workspace.ctx, _("participant JSON"), STANDARD_OUTPUT, study=row.study, subject=row.code)
        print_json({
            "code": row.code, "study": row.study, "study_version": detail.study_version, "site": row.site,
            "arm": row.arm, "status": row.status.value, "status_date": detail.status_date, "age": row.age(today),
            "registered_on": row.registered_on, "enrolled_on": row.enrolled_on, "ended_on": row.ended_on,
            "identity": {"first_name": detail.first_name, "last_name": detail.last_name,
                         "birth_date": row.birth_date, "sex": detail.sex,
                         "contacts": [vars(contact) for contact in detail.contacts]},
            "history": [vars(line) for line in history],
        })
        return
    fields = [
        (_("Code"), row.code),
        (_("Study"), f"{row.study} (version {detail.study_version})"),
        (_("Site"), f"{row.site} {site.name if site else ''}".strip()),
        (_("Arm"), f"{arm.code} – {arm.label}" if arm else "–"),
        (_("Status"), f"{row.status.label} since {detail.status_date}"),
        (_("Registered"), row.registered_on),
        (_("Name"), detail.full_name or "–"),
        (_("Birth date"), f"{row.birth_date} (age {row.age(today)})"),
        (_("Sex"), detail.sex),
    ]
    fields += [(_("Contact"), f"{c.name} ({c.relationship or c.role}){' ' + c.phone if c.phone else ''}")
               for c in detail.contacts]
    width = max(len(label) for label, _value in fields)
    for label, value in fields:
        print(f"{label.ljust(width)}  {value}")
    print()
    print(_("History (newest first):"))
    print_table(
        [_("WHEN (UTC)"), _("WHO"), _("WHAT"), _("FIELD"), _("OLD"), _("NEW"), _("REASON")],
        [(line.at_utc[:19].replace("T", " "), line.actor, f"{line.action} {line.table}", line.field,
          line.old, line.new, line.reason) for line in history[:HISTORY_LINES]],
    )
    if len(history) > HISTORY_LINES:
        print(_("… and {count} older entries (use --json for all).").format(count=len(history) - HISTORY_LINES))


def print_consent_checklist(options: argparse.Namespace) -> None:
    if bool(options.code) == bool(options.blank):
        raise InputError(_("Name a participant code, or --study S --blank for a blank checklist."), field="code")
    if options.blank and not options.study:
        raise InputError(_("A blank checklist needs --study."), field="study")
    ctx = _open(options).ctx
    written = print_checklist(ctx, Path(options.out), code=None if options.blank else options.code,
                              study=options.study)
    if options.json:
        print_json({"pdf": written})
    else:
        print(_("Consent checklist written: {path}").format(path=written))


def backup(options: argparse.Namespace) -> None:
    workspace = _open(options)
    target = backups.back_up(workspace.ctx, Path(options.out))
    if options.json:
        print_json({"backup": target})
    else:
        print(_("Backup written and verified: {path}").format(path=target))


def restore(options: argparse.Namespace) -> None:
    workspace = _open(options)
    restored = backups.restore(workspace.ctx, Path(options.file))
    if options.json:
        print_json({"restored_from": restored.source, "safety_copy": restored.safety_copy, "note": restored.note})
    else:
        print(_("Restored from {source}. The previous content is kept in {safety}.").format(
            source=restored.source, safety=restored.safety_copy))
        if restored.note:
            print(restored.note)
