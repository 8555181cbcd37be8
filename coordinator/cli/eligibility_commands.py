"""Screening and assignment from the command line: record values, check and confirm eligibility, enroll, risk
groups, the screening log, and the allocation report of randomized studies."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from coordinator.assignment import allocation, enrollment, risk
from coordinator.audit.export_log import STANDARD_OUTPUT, log_export
from coordinator.cli.output import print_json, print_table
from coordinator.cli.session import signed_in
from coordinator.context import Context
from coordinator.documents import screening_log as screening_log_pdf
from coordinator.eligibility import service as eligibility
from coordinator.eligibility.criteria import ENROLLMENT, CriterionResult, Decision, Verdict
from coordinator.eligibility.entry import ValueInput
from coordinator.eligibility.screening_log import ScreeningLog
from coordinator.eligibility.screening_log import screening_log as read_screening_log
from coordinator.errors import InputError
from coordinator.i18n import _
from coordinator.participants.lifecycle import Status

Command = Callable[[str, Callable[[argparse.Namespace], Any], str], argparse.ArgumentParser]

# The options of one value: --criterion starts it, the others that follow belong to it.
VALUE_OPTIONS = ("value", "unit", "date", "source", "uln")


class ValueGroup(argparse.Action):
    """`--criterion ID --value V [--unit U] ...`, repeatable: each --criterion starts a new value."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        given: list[dict[str, str]] = list(getattr(namespace, "given", None) or [])
        if self.dest == "criterion":
            given.append({"criterion": values})
        elif not given:
            parser.error(_("{option} belongs to a criterion: give --criterion ID before it").format(
                option=option_string))
        elif self.dest in given[-1]:
            parser.error(_("{option} is given twice for --criterion {criterion}: start the next value with "
                           "--criterion").format(option=option_string, criterion=given[-1]["criterion"]))
        else:
            given[-1][self.dest] = values
        namespace.given = given


def _ctx(options: argparse.Namespace) -> Context:
    return signed_in(options).ctx


def _utc(stamp: str | None) -> str:
    return f"{stamp[:16].replace('T', ' ')} UTC" if stamp else ""


# --- eligibility record | check | confirm ---------------------------------------------------------------------


def record(options: argparse.Namespace) -> None:
    given = options.given or []
    for group in given:
        if "value" not in group:
            raise InputError(_("--criterion {criterion} needs --value.").format(criterion=group["criterion"]),
                             field="value")
    entries = [ValueInput(group["criterion"], group["value"], group.get("unit"), group.get("date"),
                          group.get("source"), group.get("uln")) for group in given]
    _print_assessment(options, eligibility.record(_ctx(options), options.code, entries, options.reason))


def check(options: argparse.Namespace) -> None:
    ctx = _ctx(options)
    found = eligibility.assessment(ctx, options.code)
    if options.json:  # the values and criteria for a program: an export, logged before it is printed
        log_export(ctx, _("eligibility JSON"), STANDARD_OUTPUT, study=found.subject.study, subject=found.code)
    _print_assessment(options, found)


def _result_effect(result: CriterionResult) -> str:
    """What the result means for participation: an exclusion criterion that is met excludes."""
    return {True: _("ok"), False: _("EXCLUDES"), None: _("missing")}[result.ok]


def _verdict_text(found: Verdict) -> str:
    if found.decision is Decision.not_eligible:
        return _("{label} ({criteria})").format(label=found.decision.label, criteria=", ".join(found.failing))
    if found.decision is Decision.incomplete:
        return _("{label} ({criteria})").format(label=found.decision.label, criteria=", ".join(found.missing))
    return found.decision.label


def _verdict_data(found: Verdict) -> dict[str, Any]:
    return {"decision": found.decision.value, "label": found.decision.label, "failing": list(found.failing),
            "missing": list(found.missing)}


def _confirmation_text(confirmation: eligibility.Confirmation | None) -> str:
    if confirmation is None:
        return _("not confirmed yet")
    state = _("still current") if confirmation.current else _("values changed since: confirm again")
    return _("{decision}, by {by} on {at} ({state})").format(
        decision=confirmation.decision.label, by=confirmation.by, at=_utc(confirmation.at), state=state)


def assessment_data(found: eligibility.Assessment) -> dict[str, Any]:
    subject = found.subject
    confirmation = found.confirmation
    return {
        "code": subject.code, "study": subject.study, "status": subject.status,
        "assessed_on": subject.facts.assessed_on.isoformat(),
        "criteria": [{
            "id": r.criterion.id, "category": r.criterion.category.value, "stage": r.criterion.stage,
            "text": r.criterion.text, "state": r.state.value, "ok": r.ok, "reason": r.reason,
        } for r in found.results],
        "verdict": _verdict_data(found.verdict),
        "verdicts": {stage: _verdict_data(found.stage_verdict(stage)) for stage in found.stages},
        "confirmation": None if confirmation is None else {
            "decision": confirmation.decision.value, "at": confirmation.at, "by": confirmation.by,
            "criteria_not_met": list(confirmation.criteria_not_met), "current": confirmation.current},
        "values": [{
            "item": v.key, "label": v.item.label if v.item else v.key, "value": v.observation.value,
            "unit": v.observation.unit, "uln": v.observation.uln,
            "measured_on": v.observation.measured_on.isoformat() if v.observation.measured_on else None,
            "source": v.observation.source,
        } for v in found.values if v.observation is not None],
    }


def _print_assessment(options: argparse.Namespace, found: eligibility.Assessment) -> None:
    if options.json:
        print_json(assessment_data(found))
        return
    subject = found.subject
    print(_("{code} ({study}, {status}): criteria as of {date}").format(
        code=subject.code, study=subject.study, status=Status(subject.status).label,
        date=subject.facts.assessed_on.isoformat()))
    print_table(
        [_("ID"), _("CATEGORY"), _("STAGE"), _("STATE"), _("RESULT"), _("REASON")],
        [(r.criterion.id, r.criterion.category.value, r.criterion.stage, r.state.label, _result_effect(r),
          r.reason) for r in found.results],
    )
    print()
    for stage in found.stages or [ENROLLMENT]:
        print(_("Verdict ({stage}): {verdict}").format(stage=stage, verdict=_verdict_text(found.stage_verdict(stage))))
    print(_("Confirmation: {confirmation}").format(confirmation=_confirmation_text(found.confirmation)))


def confirm(options: argparse.Namespace) -> None:
    expected = Decision(options.expect.replace("-", " ")) if options.expect else None
    found = eligibility.confirm(_ctx(options), options.code, expected)
    confirmation = found.confirmation
    assert confirmation is not None  # confirm() has just stored one
    failing = [r for r in found.results if r.criterion.id in confirmation.criteria_not_met]
    if options.json:
        print_json({"code": found.code, "decision": confirmation.decision.value, "status": found.subject.status,
                    "confirmed_at": confirmation.at, "confirmed_by": confirmation.by,
                    "criteria_not_met": [{"id": r.criterion.id, "text": r.criterion.text, "reason": r.reason}
                                         for r in failing]})
        return
    if confirmation.decision is Decision.eligible:
        print(_("{code}: eligible, confirmed by {by} on {at}. Enroll with: coordinator enroll {code}").format(
            code=found.code, by=confirmation.by, at=_utc(confirmation.at)))
        return
    print(_("{code}: not eligible, confirmed by {by} on {at}. Screening ended: {status}.").format(
        code=found.code, by=confirmation.by, at=_utc(confirmation.at), status=Status(found.subject.status).label))
    print(_("Criteria not met:"))
    for result in failing:  # the reason, not the protocol text: some texts run over several lines
        print(f"  {result.criterion.id}  {result.reason}")


def add_eligibility_parsers(group: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    """Add `eligibility record|check|confirm` under the `eligibility` command."""
    sub = group.add_subparsers(dest="eligibility_command", metavar="ACTION", required=True,
                               parser_class=type(group))

    def action(name: str, run: Callable[[argparse.Namespace], None], help_text: str) -> argparse.ArgumentParser:
        found = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        found.set_defaults(run=run)
        found.add_argument("code", help=_("participant code"))
        return found

    recording = action("record", record, _(
        "record source values in one go, then show the criteria; repeat --criterion ID --value V ... for several"))
    recording.set_defaults(given=None)
    recording.add_argument("--criterion", action=ValueGroup, metavar="ID", required=True, default=argparse.SUPPRESS,
                           help=_("a criterion or item id (e.g. IN05, CREAT); starts a new value"))
    recording.add_argument("--value", action=ValueGroup, metavar="V", default=argparse.SUPPRESS,
                           help=_("the value: a number, a date, a choice code, yes or no"))
    recording.add_argument("--unit", action=ValueGroup, metavar="U", default=argparse.SUPPRESS,
                           help=_("the unit of a number, e.g. mg/dL, µmol/L, xULN (default: the item's unit)"))
    recording.add_argument("--date", action=ValueGroup, metavar="YYYY-MM-DD", default=argparse.SUPPRESS,
                           help=_("the day it was measured or established"))
    recording.add_argument("--source", action=ValueGroup, metavar="TEXT", default=argparse.SUPPRESS,
                           help=_("where it comes from, e.g. lab report of 2026-11-02"))
    recording.add_argument("--uln", action=ValueGroup, metavar="N", default=argparse.SUPPRESS,
                           help=_("the laboratory's upper limit of normal, in the value's unit"))
    recording.add_argument("--reason", metavar="TEXT", help=_("why a value already recorded is changed"))

    action("check", check, _("show every criterion (met, not met, missing, not applicable), the verdict and the "
                             "investigator's confirmation"))
    confirming = action("confirm", confirm, _("the investigator confirms the verdict; not eligible ends screening "
                                              "(screen failure, with the criteria)"))
    confirming.add_argument("--expect", choices=[d.value.replace(" ", "-") for d in (Decision.eligible,
                                                                                      Decision.not_eligible)],
                            help=_("the verdict you read with 'check': refused if the values changed it since"))


# --- enroll, risk, screening-log ---------------------------------------------------------------------------------


def enroll(options: argparse.Namespace) -> None:
    done = enrollment.enroll(_ctx(options), options.code, options.arm, options.date, options.reason)
    if options.json:
        print_json({"code": done.code, "arm": done.arm, "arm_label": done.arm_label, "enrolled_on": done.on,
                    "stratum": done.stratum})
        return
    print(_("{code} enrolled on {date}: arm {arm} ({label}).").format(
        code=done.code, date=done.on.isoformat(), arm=done.arm, label=done.arm_label))
    if done.stratum:
        print(_("Randomized in stratum {stratum}.").format(stratum=done.stratum))


def assess_risk(options: argparse.Namespace) -> None:
    result = risk.assess_risk(_ctx(options), options.code)
    code = options.code.strip().upper()
    if options.json:
        print_json({"code": code, "group": result.group.code if result.group else None, "label": result.label,
                    "rule_version": result.version, "explanation": result.explanation})
        return
    group = f"{result.label} ({result.group.code})" if result.group else result.label
    print(_("{code}: {group}, rules version {version}").format(code=code, group=group, version=result.version))
    print(_("Why: {explanation}").format(explanation=result.explanation))


def screening_log_data(log: ScreeningLog) -> dict[str, Any]:
    return {
        "study": log.study, "title": log.title, "registry": log.registry, "study_version": log.version,
        "counts": vars(log.counts),
        "arms": [vars(arm) for arm in log.arms],
        "reasons": [vars(reason) for reason in log.reasons],
        "failures_without_criteria": log.failures_without_criteria,
        "entries": [{
            "code": e.code, "site": e.site, "registered_on": e.registered_on, "status": e.status.value,
            "decision": e.decision.value if e.decision else None, "confirmed_at": e.confirmed_at,
            "confirmed_by": e.confirmed_by, "criteria_not_met": list(e.criteria_not_met),
            "enrolled_on": e.enrolled_on, "arm": e.arm,
        } for e in log.entries],
    }


def screening_log(options: argparse.Namespace) -> None:
    ctx = _ctx(options)
    if options.out:
        written = screening_log_pdf.print_log(ctx, options.study, Path(options.out))
        if options.json:
            print_json({"pdf": written})
        else:
            print(_("Screening log written: {path}").format(path=written))
        return
    log = read_screening_log(ctx, options.study)
    if options.json:
        log_export(ctx, _("screening log JSON"), STANDARD_OUTPUT, study=log.study)  # first: no unlogged output
        print_json(screening_log_data(log))
        return
    counts = log.counts
    print(_("Screening log of {study} (criteria of study file version {version})").format(
        study=log.study, version=log.version))
    print_table([_("PARTICIPANTS"), _("COUNT")], [
        (_("Screened (registered)"), counts.screened),
        ("  " + _("Screen failures"), counts.screen_failures),
        ("  " + _("Withdrawn before enrollment"), counts.withdrawn_before_enrollment),
        ("  " + _("Still in screening"), counts.in_screening),
        (_("Confirmed eligible"), counts.eligible),
        (_("Enrolled"), counts.enrolled),
        *[(f"  {arm.code} – {arm.label}", f"{arm.enrolled}/{arm.target or '–'}") for arm in log.arms],
    ])
    print()
    if not log.reasons:
        print(_("Screen failures by reason: none recorded."))
    else:
        print(_("Screen failures by reason (a participant may fail several criteria):"))
        print_table([_("CRITERION"), _("CATEGORY"), _("PARTICIPANTS"), _("TEXT")],
                    [(r.criterion, r.category, r.count, r.text) for r in log.reasons])
    if log.failures_without_criteria:
        print(_("{count} screen failure(s) recorded without an eligibility confirmation.").format(
            count=log.failures_without_criteria))


def add_commands(command: Command) -> None:
    """Add `enroll`, `risk` and `screening-log` as top-level commands."""
    enrolling = command("enroll", enroll, _(
        "enroll a participant whose eligibility is confirmed and consent complete; the arm comes from the study "
        "design (randomized studies reveal the next sealed allocation)"))
    enrolling.add_argument("code", help=_("participant code"))
    enrolling.add_argument("--arm", help=_("only for studies where the arm is chosen"))
    enrolling.add_argument("--date", metavar="YYYY-MM-DD", help=_("default: today"))
    enrolling.add_argument("--reason", metavar="TEXT", help=_("a note for the audit trail"))

    command("risk", assess_risk, _("compute the risk group from the recorded values (REL-ALL)")).add_argument(
        "code", help=_("participant code"))

    log = command("screening-log", screening_log, _(
        "CONSORT-style counts, screen failures by reason and one line per participant (codes only)"))
    log.add_argument("--study", required=True, help=_("study short name, e.g. MILA"))
    log.add_argument("--out", metavar="FILE.pdf", help=_("write the log as a PDF instead"))


# --- allocation report | verify ----------------------------------------------------------------------------------


def allocation_report(options: argparse.Namespace) -> None:
    """Logged as an export in either form, before it is printed: it tells the arms of a blinded study."""
    ctx = _ctx(options)
    report = allocation.allocation_report(ctx, options.study)
    arms = [arm for arm, _weight in report.ratio]
    log_export(ctx, _("allocation report JSON") if options.json else _("allocation report"), STANDARD_OUTPUT,
               study=report.study)
    if options.json:
        print_json({
            "study": report.study, "method": report.method, "generated_at": report.generated_at,
            "generated_by": report.generated_by, "list_sha256": report.list_sha256,
            "ratio": {arm: weight for arm, weight in report.ratio}, "block_sizes": report.block_sizes,
            "strata_factors": report.factors, "used": [vars(used) for used in report.used],
            "counts": [{"stratum": c.stratum, "arms": c.arms} for c in report.counts], "balanced": report.balanced,
        })
        return
    facts = [
        (_("Study"), report.study),
        (_("Method"), report.method),
        (_("Generated"), _("{at} by {by}").format(at=_utc(report.generated_at), by=report.generated_by)),
        (_("List SHA-256"), report.list_sha256),
        (_("Ratio"), ":".join(str(weight) for _arm, weight in report.ratio) + f" ({', '.join(arms)})"),
        (_("Block sizes"), ", ".join(str(size) for size in report.block_sizes)),
        (_("Strata by"), ", ".join(report.factors) or _("none")),
    ]
    _print_fields(facts)
    print()
    print(_("Allocations used ({count}), in the order revealed:").format(count=len(report.used)))
    print_table([_("PARTICIPANT"), _("STRATUM"), _("SEQUENCE"), _("ARM"), _("REVEALED"), _("BY")],
                [(u.participant, u.stratum, u.sequence, u.arm, _utc(u.revealed_at), u.revealed_by)
                 for u in report.used])
    print()
    print(_("Participants per stratum and arm:"))
    print_table([_("STRATUM"), *arms, _("TOTAL")],
                [(c.stratum, *(c.arms.get(arm, 0) for arm in arms), sum(c.arms.values())) for c in report.counts])
    print()
    print(_("Balance: every stratum within half the largest block.") if report.balanced
          else _("Balance: NOT within half the largest block in every stratum."))


def allocation_verify(options: argparse.Namespace) -> int:
    study = options.study
    matches = allocation.verify_list(_ctx(options), study)
    if options.json:
        print_json({"study": study, "matches": matches})
    elif matches:
        print(_("The stored allocation list of {study} is the one its seed gives, and unchanged since it was "
                "sealed.").format(study=study))
    else:
        print(_("The stored allocation list of {study} does NOT match its seed or its seal: it was changed.").format(
            study=study))
    return 0 if matches else 1


def add_allocation_parsers(group: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    """Add `allocation report|verify` under the `allocation` command."""
    sub = group.add_subparsers(dest="allocation_command", metavar="ACTION", required=True,
                               parser_class=type(group))
    for name, run, help_text in (
        ("report", allocation_report, _("the statistician's report: how the list was made, the allocations used, "
                                        "counts per stratum and the balance (never an unused allocation)")),
        ("verify", allocation_verify, _("check that the stored list is the one its seed gives; exit 0 if so, "
                                        "1 if not")),
    ):
        found = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        found.set_defaults(run=run)
        found.add_argument("--study", required=True, help=_("study short name, e.g. ELIT-AML01"))


def _print_fields(fields: Sequence[tuple[str, object]]) -> None:
    width = max(len(label) for label, _value in fields)
    for label, value in fields:
        print(f"{label.ljust(width)}  {value}")
