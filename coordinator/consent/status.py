"""Consent status as a pure function: the rule, the study's consent plan, the birth date, a date, the signatures
and withdrawals in; the status out. Never stored, so it cannot go stale or be typed wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from coordinator.consent.rules import AgeBand, JurisdictionRule, OneHolderException, Role
from coordinator.i18n import N_, _
from coordinator.participants.age import age_in_years, birthday
from coordinator.studies.schema import ConsentDocument, ConsentPlan


class Scope(str, Enum):
    """What a withdrawal stops. Several may apply at once."""

    follow_up = "follow_up"
    data_use = "data_use"
    samples = "samples"

    @property
    def label(self) -> str:
        return _(_SCOPE_LABELS[self])


_SCOPE_LABELS = {
    Scope.follow_up: N_("stop follow-up"),
    Scope.data_use: N_("stop further use of data"),
    Scope.samples: N_("destroy samples"),
}


class State(str, Enum):
    not_started = "not started"
    incomplete = "incomplete"
    complete = "complete"
    reconsent_due = "re-consent due"
    withdrawn = "withdrawn"

    @property
    def label(self) -> str:
        return _(_STATE_LABELS[self])


_STATE_LABELS = {
    State.not_started: N_("Not started"),
    State.incomplete: N_("Incomplete"),
    State.complete: N_("Complete"),
    State.reconsent_due: N_("Re-consent due"),
    State.withdrawn: N_("Withdrawn"),
}

_MISSING = {
    Role.holder1: N_("Consent of the first holder of parental authority is missing"),
    Role.holder2: N_("Consent of the second holder of parental authority is missing"),
    Role.guardian: N_("Consent of the legal guardian is missing"),
    Role.participant: N_("Consent of the participant is missing"),
    Role.assent: N_("Assent of the child is missing"),
    Role.witness: N_("Signature of the witness is missing"),
    Role.investigator: N_("Signature of the investigator who obtained consent is missing"),
}


@dataclass(frozen=True)
class SignatureFact:
    role: Role
    signed_on: date
    document: str
    version: str
    signer: str  # the signer's folded name (search key): compares people, not spellings
    episode: int = 1
    assent_refused: bool = False
    exception: OneHolderException | None = None


@dataclass(frozen=True)
class WithdrawalFact:
    withdrawn_on: date
    by: Role
    scopes: frozenset[Scope]
    episode: int = 1


@dataclass(frozen=True)
class ConsentStatus:
    state: State
    missing: list[str] = field(default_factory=list)  # sentences, for incomplete and re-consent due
    reason: str | None = None  # why re-consent is due, or who withdrew
    since: date | None = None  # withdrawn: the withdrawal date; complete: the first day it was complete
    scopes: frozenset[Scope] = frozenset()

    @property
    def is_current(self) -> bool:
        return self.state is State.complete

    @property
    def summary(self) -> str:
        """One line for a table cell."""
        if self.state is State.reconsent_due and self.reason:
            return _("{state}: {reason}").format(state=self.state.label, reason=self.reason)
        if self.state is State.withdrawn and self.reason:
            return _("{state} {reason}").format(state=self.state.label, reason=self.reason)
        if self.state is State.incomplete and self.missing:
            return _("{state}: {missing}").format(state=self.state.label, missing=self.missing[0])
        return self.state.label

    @property
    def explanation(self) -> str:
        """Every sentence, for a refusal or the participant page."""
        if self.state is State.not_started:
            return _("No consent signature is recorded yet")
        parts = ([self.summary] if self.state is not State.incomplete else []) + self.missing
        return "; ".join(parts)


def current_episode(signatures: list[SignatureFact], withdrawals: list[WithdrawalFact]) -> int:
    return max([s.episode for s in signatures] + [w.episode for w in withdrawals], default=1)


def document_in_force(plan: ConsentPlan, on: date) -> ConsentDocument | None:
    """The newest document version effective on a date (the one a new signature is given on)."""
    effective = [d for d in plan.documents if d.effective <= on]
    return max(effective, key=lambda d: d.effective) if effective else None


def consent_status(rule: JurisdictionRule, plan: ConsentPlan, birth: date, on: date,
                   signatures: list[SignatureFact], withdrawals: list[WithdrawalFact]) -> ConsentStatus:
    episode = current_episode(signatures, withdrawals)
    withdrawal = next((w for w in withdrawals if w.episode == episode and w.withdrawn_on <= on), None)
    if withdrawal is not None:
        scopes = ", ".join(scope.label for scope in Scope if scope in withdrawal.scopes)
        return ConsentStatus(State.withdrawn, reason=_("on {date} by the {role} ({scopes})").format(
            date=withdrawal.withdrawn_on, role=withdrawal.by.label, scopes=scopes),
            since=withdrawal.withdrawn_on, scopes=withdrawal.scopes)
    given = [s for s in signatures if s.episode == episode and s.signed_on <= on]
    if not given:
        return ConsentStatus(State.not_started)
    missing = missing_items(rule, plan, birth, on, given)
    if not missing:
        since = next(day for day in sorted({s.signed_on for s in given})
                     if not missing_items(rule, plan, birth, day, given))
        return ConsentStatus(State.complete, since=since)
    last = max(s.signed_on for s in given)
    if missing_items(rule, plan, birth, last, given):
        return ConsentStatus(State.incomplete, missing)
    reason, since = _why_again(rule, plan, birth, last, on)
    return ConsentStatus(State.reconsent_due, missing, reason, since)


def roles_for(rule: JurisdictionRule, plan: ConsentPlan, age: int) -> tuple[list[Role], list[Role]]:
    """Who must sign at an age, and who is sought but optional; the study's assent age and wish apply."""
    band = rule.band(age)
    assent_possible = plan.assent is not None and age >= plan.assent.from_age and Role.assent in band.permitted
    assent_required = assent_possible and plan.assent is not None and plan.assent.required
    required = [role for role in band.required if role is not Role.assent or assent_possible]
    optional = [role for role in band.optional if role is not Role.assent or (assent_possible and not assent_required)]
    if assent_required and Role.assent not in required:
        required.append(Role.assent)
    return required, optional


def missing_items(rule: JurisdictionRule, plan: ConsentPlan, birth: date, on: date,
                  signatures: list[SignatureFact]) -> list[str]:
    """What is missing for a complete consent on a date, in words; empty when complete."""
    band = rule.band(age_in_years(birth, on))
    required, _optional = roles_for(rule, plan, age_in_years(birth, on))
    latest: dict[Role, SignatureFact] = {}
    for signature in sorted(signatures, key=lambda s: s.signed_on):
        if signature.signed_on <= on and _still_valid(plan, signature, on):
            latest[signature.role] = signature
    missing: list[str] = []
    assent = latest.get(Role.assent)
    if assent is not None and assent.assent_refused:
        missing.append(_("The child refused assent on {date}; a refusal is binding").format(
            date=assent.signed_on.isoformat()))
    for role in required:
        if role not in latest and not _excused(role, band, latest):
            missing.append(_(_MISSING[role]))
    return missing


def _excused(role: Role, band: AgeBand, latest: dict[Role, SignatureFact]) -> bool:
    """The second holder is not needed when the first signed under a one-holder exception the law allows."""
    first = latest.get(Role.holder1)
    return role is Role.holder2 and first is not None and first.exception in band.one_holder_exceptions


def _still_valid(plan: ConsentPlan, signature: SignatureFact, on: date) -> bool:
    """A signature stops counting once a later document version that requires re-consent takes effect."""
    return not any(d.requires_reconsent and signature.signed_on < d.effective <= on for d in plan.documents)


def _new_signers_at(rule: JurisdictionRule, plan: ConsentPlan, age: int) -> bool:
    """Whether turning `age` brings someone new who must sign (majority, the Dutch 12, the assent age)."""
    return bool(set(roles_for(rule, plan, age)[0]) - set(roles_for(rule, plan, age - 1)[0]))


def _why_again(rule: JurisdictionRule, plan: ConsentPlan, birth: date, last: date, on: date) -> tuple[str, date]:
    """Why a consent complete at its last signature is not any more: a birthday that changed who signs (an age
    band, majority, the study's assent age), or a document version that requires re-consent."""
    ages = range(age_in_years(birth, last) + 1, age_in_years(birth, on) + 1)
    crossed_at = next((age for age in ages if _new_signers_at(rule, plan, age)), None)
    if crossed_at is not None:
        crossed = birthday(birth, crossed_at)
        if crossed_at == rule.age_of_majority:
            return _("reached majority ({age}) on {date}").format(age=crossed_at, date=crossed), crossed
        return _("turned {age} on {date}").format(age=crossed_at, date=crossed), crossed
    document = max((d for d in plan.documents if d.requires_reconsent and last < d.effective <= on),
                   key=lambda d: d.effective)
    return _("{name} version {version} requires re-consent").format(
        name=document.name, version=document.version), document.effective


def reconsent_due_on(rule: JurisdictionRule, plan: ConsentPlan, birth: date, start: date, end: date) -> list[
        tuple[date, str]]:
    """Dates in [start, end] on which a participant on study will need consent again, and why (the to-do view):
    birthdays that change who signs, and document versions that require re-consent."""
    due: list[tuple[date, str]] = []
    for age in range(age_in_years(birth, start) + 1, age_in_years(birth, end) + 1):
        if _new_signers_at(rule, plan, age):
            due.append((birthday(birth, age), _("turns {age}").format(age=age)))
    for document in plan.documents:
        if document.requires_reconsent and start <= document.effective <= end:
            due.append((document.effective, _("{name} version {version} requires re-consent").format(
                name=document.name, version=document.version)))
    return sorted(due)
