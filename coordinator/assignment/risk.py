"""Risk groups computed from recorded values by the study's versioned rules (REL-ALL at end of induction).

The group is stored with the rule version and the values used; a changed value recomputes it in the same
transaction, and the audit keeps the old and the new group.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from coordinator.audit.writer import UnitOfWork
from coordinator.context import Context
from coordinator.eligibility.facts import Subject, load_subject
from coordinator.eligibility.rules import Facts, State, evaluate
from coordinator.errors import RuleViolation
from coordinator.i18n import _
from coordinator.participants.queries import permitted_participant_id
from coordinator.security.permissions import Permission
from coordinator.studies.rule_schema import RiskGroup, RiskRules
from db.tables import RiskAssessment

RA = RiskAssessment.__table__


@dataclass(frozen=True)
class RiskResult:
    group: RiskGroup | None
    version: str
    explanation: str  # why this group, or what is missing to decide

    @property
    def label(self) -> str:
        return self.group.label if self.group else _("Not determined")


def compute(rules: RiskRules, facts: Facts) -> RiskResult:
    """The first group whose conditions all hold; undecided while a value an earlier group needs is missing."""
    for group in rules.groups:
        outcomes = [evaluate(rule, facts) for rule in group.when]
        if all(o.state is State.met for o in outcomes):
            return RiskResult(group, rules.version, "; ".join(o.reason for o in outcomes))
        if any(o.state is State.not_met for o in outcomes):
            continue
        missing = [o.reason for o in outcomes if o.state is State.missing]
        return RiskResult(None, rules.version, _("cannot decide yet: {missing}").format(missing="; ".join(missing)))
    return RiskResult(None, rules.version, _("these values match no risk group of the rules"))


def refresh(work: UnitOfWork, code: str, today: date) -> RiskResult | None:
    """Recompute and store the group when the study has risk rules; None when it has none."""
    subject = load_subject(work.connection, code, today)
    rules = subject.definition.risk
    if rules is None:
        return None
    result = compute(rules, subject.facts)
    stored = work.read(select(RA.c.risk_group, RA.c.rule_version, RA.c.inputs)
                       .where(RA.c.participant_id == subject.id)).first()
    group = result.group.code if result.group else None
    row = {"risk_group": group, "rule_version": rules.version, "inputs": _inputs(subject, rules),
           "computed_at": work.stamp}
    tags = {"study": subject.study, "subject": subject.code}
    if stored is None:
        if group is not None:
            work.insert(RiskAssessment, {"participant_id": subject.id, **row}, record_id=str(subject.id), **tags)
    elif (stored.risk_group, stored.rule_version, stored.inputs) != (group, rules.version, row["inputs"]):
        work.update(RiskAssessment, subject.id, row, reason=_("risk group recomputed: its values changed"), **tags)
    return result


def assess_risk(ctx: Context, code: str) -> RiskResult:
    """The participant's risk group now, stored if it changed (a new rule version recomputes it too)."""
    with UnitOfWork(ctx, Permission.RECORD) as work:
        permitted_participant_id(ctx, work.connection, code, Permission.RECORD)  # before the study's rules
        result = refresh(work, code, ctx.today())
        if result is None:
            subject: Subject = load_subject(work.connection, code, ctx.today())
            raise RuleViolation(_("{study} has no risk groups in its study file.").format(study=subject.study),
                                field="study")
    return result


def _inputs(subject: Subject, rules: RiskRules) -> str:
    values = {name: [o.value, o.unit] for name in rules.items if (o := subject.facts.values.get(name)) is not None}
    return json.dumps(values, sort_keys=True, ensure_ascii=False)
