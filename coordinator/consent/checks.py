"""Whether a new signature may be recorded: plain rules over plain data, each refusal with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coordinator.consent.rules import ALWAYS_PERMITTED, L1122_2_CONDITIONS, JurisdictionRule, OneHolderException, Role
from coordinator.consent.status import SignatureFact, WithdrawalFact, current_episode, roles_for
from coordinator.errors import InputError, RuleViolation
from coordinator.i18n import _
from coordinator.participants.age import age_in_years
from coordinator.studies.schema import ConsentDocument, ConsentPlan

HOLDERS = (Role.holder1, Role.holder2)


@dataclass(frozen=True)
class Exemption:
    """A French one-holder exception chosen at the first holder's signature, with what documents it."""

    kind: OneHolderException
    document: str | None = None  # sole holder: the document that shows it (judgment, family record book...)
    conditions: frozenset[str] = frozenset()  # L1122-2: each condition confirmed

    def detail(self) -> str:
        if self.kind is OneHolderException.sole_holder:
            return self.document or ""
        return ", ".join(sorted(self.conditions))


def check_signature(rule: JurisdictionRule, plan: ConsentPlan, birth: date, today: date, document: ConsentDocument,
                    new: SignatureFact, exemption: Exemption | None, *, new_episode: bool,
                    signatures: list[SignatureFact], withdrawals: list[WithdrawalFact]) -> int:
    """Refuse a signature that cannot be right; returns the consent episode it belongs to."""
    if new.signed_on > today:
        raise InputError(_("The signature date {date} is in the future.").format(date=new.signed_on), field="date")
    if new.signed_on < birth:
        raise InputError(_("The signature date {date} is before the participant's birth ({birth}).").format(
            date=new.signed_on, birth=birth), field="date")
    if new.signed_on < document.effective:
        raise InputError(_("{name} version {version} takes effect on {effective}; it cannot be signed on {date}."
                           ).format(name=document.name, version=document.version, effective=document.effective,
                                    date=new.signed_on), field="date")
    age = age_in_years(birth, new.signed_on)
    band = rule.band(age)
    _check_assent(plan, age, new)
    required, optional = roles_for(rule, plan, age)
    if new.role not in {*required, *optional, *ALWAYS_PERMITTED}:
        raise RuleViolation(_("At {age} years the {law} rule does not ask for the signature of the {role}.").format(
            age=age, law=rule.jurisdiction, role=new.role.label), field="role")
    episode = current_episode(signatures, withdrawals)
    if any(w.episode == episode for w in withdrawals):
        if not new_episode:
            raise RuleViolation(_("Consent was withdrawn; start a new consent episode to record a new signature."),
                                field="role")
        episode += 1
    elif new_episode:
        raise InputError(_("A new consent episode starts only after a withdrawal."), field="new_episode")
    same_episode = [s for s in signatures if s.episode == episode]
    _check_holders(new, same_episode)
    _check_exemption(band.one_holder_exceptions, new, exemption)
    return episode


def _check_assent(plan: ConsentPlan, age: int, new: SignatureFact) -> None:
    if new.role is not Role.assent:
        return
    if plan.assent is None:
        raise RuleViolation(_("This study does not record the child's assent."), field="role")
    if age < plan.assent.from_age:
        raise RuleViolation(_("Assent is recorded from {minimum} years in this study; the child was {age}.").format(
            minimum=plan.assent.from_age, age=age), field="assent")


def _check_holders(new: SignatureFact, same_episode: list[SignatureFact]) -> None:
    if new.role not in HOLDERS:
        return
    other = Role.holder2 if new.role is Role.holder1 else Role.holder1
    if any(s.role is other and s.signer == new.signer for s in same_episode):
        raise RuleViolation(_("The same person cannot sign as both holders of parental authority."), field="name")


def _check_exemption(allowed: list[OneHolderException], new: SignatureFact, exemption: Exemption | None) -> None:
    if exemption is None:
        return
    if new.role is not Role.holder1:
        raise InputError(_("A one-holder exception is recorded with the first holder's signature."),
                         field="exception")
    if exemption.kind not in allowed:
        raise RuleViolation(_("The rule for this age does not allow the exception: {kind}.").format(
            kind=exemption.kind.label), field="exception")
    if exemption.kind is OneHolderException.sole_holder and not (exemption.document or "").strip():
        raise InputError(_("Name the document showing that only one person holds parental authority."),
                         field="exception_document")
    if exemption.kind is OneHolderException.l1122_2:
        unconfirmed = [c for c in L1122_2_CONDITIONS if c not in exemption.conditions]
        if unconfirmed:
            raise InputError(_("Each L1122-2 condition must be confirmed; not confirmed: {conditions}.").format(
                conditions=", ".join(unconfirmed)), field="exception_conditions")
