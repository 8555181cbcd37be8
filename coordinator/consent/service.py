"""Recording consent signatures and withdrawals, reading the status, and the gates other services call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from sqlalchemy import Connection, select

from coordinator.audit.writer import UnitOfWork
from coordinator.consent.checks import Exemption, check_signature
from coordinator.consent.rules import JurisdictionRule, OneHolderException, Role, rule_for
from coordinator.consent.status import (
    ConsentStatus,
    Scope,
    SignatureFact,
    State,
    WithdrawalFact,
    consent_status,
    current_episode,
    document_in_force,
    roles_for,
)
from coordinator.context import Context
from coordinator.errors import InputError, RuleViolation
from coordinator.i18n import _
from coordinator.participants.age import age_in_years
from coordinator.participants.lifecycle import Move, Status
from coordinator.participants.queries import participant_id, permitted_participant_id
from coordinator.participants.status import apply_move
from coordinator.security.permissions import Permission
from coordinator.storage_errors import environment_errors
from coordinator.studies.catalogue import current_definitions
from coordinator.studies.schema import ConsentDocument, StudyDefinition
from coordinator.values import clean_text, parse_date, search_key
from db.tables import ConsentSignature, ConsentSigner, ConsentWithdrawal, Identity, Participant, Sample, Study

P = Participant.__table__
I = Identity.__table__  # noqa: E741
S = Study.__table__
SIG = ConsentSignature.__table__
SIGNER = ConsentSigner.__table__
WD = ConsentWithdrawal.__table__
SAMPLE = Sample.__table__
ASSENT_VALUES = ("given", "refused")


class Action(str, Enum):
    """What a service is about to do that consent must cover."""

    enrollment = "enrollment"
    sample_collection = "sample collection"
    sample_use = "use of samples"
    follow_up = "follow-up"
    data_use = "data use"


_STOPPED_BY = {Action.follow_up: Scope.follow_up, Action.data_use: Scope.data_use, Action.sample_use: Scope.samples}


@dataclass(frozen=True)
class SignatureInput:
    """What a coordinator types for one signature; checked by `sign`."""

    role: str
    name: str
    signed_on: str | date
    signed_time: str | None = None  # HH:MM
    relationship: str | None = None
    document_version: str | None = None  # default: the version in force on the date
    assent: str | None = None  # given or refused, for the assent role only
    obtained_by: str | None = None  # default: the person using the program
    witness: str | None = None
    exception: str | None = None  # sole_holder or l1122_2, with the first holder's signature
    exception_document: str | None = None
    conditions: tuple[str, ...] = ()
    new_episode: bool = False


@dataclass(frozen=True)
class Subject:
    """A participant as consent sees them."""

    id: int
    code: str
    study: str
    birth_date: date
    definition: StudyDefinition  # the study's current version: a new document version reaches everyone on study

    @property
    def rule(self) -> JurisdictionRule:
        return rule_for(self.definition.consent_jurisdiction)


@dataclass(frozen=True)
class SignatureRecord:
    """A saved signature with the signer's name (identity side), for the participant page and the checklist."""

    role: Role
    name: str
    relationship: str | None
    signed_on: date
    signed_time: str | None
    document: str
    version: str
    obtained_by: str
    witness: str | None
    assent: str | None
    exception: str | None
    exception_detail: str | None
    episode: int


def _subject(connection: Connection, code: str) -> Subject:
    pid = participant_id(connection, code)
    found = connection.execute(
        select(P.c.code, S.c.code.label("study"), I.c.birth_date, P.c.study_id)
        .join(S, S.c.id == P.c.study_id).join(I, I.c.participant_id == P.c.id).where(P.c.id == pid)
    ).one()
    return Subject(pid, found.code, found.study, date.fromisoformat(found.birth_date),
                   current_definitions(connection, {found.study_id})[found.study_id])


def _allowed_subject(ctx: Context, connection: Connection, code: str, permission: Permission) -> Subject:
    """The participant, once the user's role on their study allows `permission`: a refusal comes before any rule
    is checked, so it neither depends on nor tells another study's data."""
    subject = _subject(connection, code)
    ctx.require(permission, subject.study)
    return subject


def _facts(connection: Connection, ids: list[int]) -> tuple[dict[int, list[SignatureFact]],
                                                             dict[int, list[WithdrawalFact]]]:
    """The signatures and withdrawals of some participants, two queries whatever their number."""
    signatures: dict[int, list[SignatureFact]] = {pid: [] for pid in ids}
    for r in connection.execute(
            select(SIG.c.participant_id, SIG.c.role, SIG.c.signed_on, SIG.c.document, SIG.c.document_version,
                   SIGNER.c.name, SIG.c.episode, SIG.c.assent, SIG.c.exception)
            .join(SIGNER, SIGNER.c.id == SIG.c.signer_id).where(SIG.c.participant_id.in_(ids)).order_by(SIG.c.id)):
        signatures[r.participant_id].append(SignatureFact(
            Role(r.role), date.fromisoformat(r.signed_on), r.document, r.document_version, search_key(r.name),
            r.episode, r.assent == "refused", OneHolderException(r.exception) if r.exception else None))
    withdrawals: dict[int, list[WithdrawalFact]] = {pid: [] for pid in ids}
    for r in connection.execute(select(WD).where(WD.c.participant_id.in_(ids)).order_by(WD.c.id)):
        scopes = frozenset(scope for scope, stopped in ((Scope.follow_up, r.stop_follow_up),
                                                        (Scope.data_use, r.stop_data_use),
                                                        (Scope.samples, r.destroy_samples)) if stopped)
        withdrawals[r.participant_id].append(WithdrawalFact(
            date.fromisoformat(r.withdrawn_on), Role(r.by_role), scopes, r.episode))
    return signatures, withdrawals


def _status(connection: Connection, subject: Subject, on: date) -> ConsentStatus:
    signatures, withdrawals = _facts(connection, [subject.id])
    return consent_status(subject.rule, subject.definition.consent, subject.birth_date, on,
                          signatures[subject.id], withdrawals[subject.id])


def status(ctx: Context, code: str, on: date | None = None) -> ConsentStatus:
    """The consent status of a participant today (or on another date)."""
    with environment_errors(), ctx.engine.connect() as connection:
        return _status(connection, _allowed_subject(ctx, connection, code, Permission.READ), on or ctx.today())


def statuses(ctx: Context, ids: list[int]) -> dict[int, ConsentStatus]:
    """The consent status of a page of participants (the table's column), in a few queries whatever its size."""
    if not ids:
        return {}
    today = ctx.today()
    with environment_errors(), ctx.engine.connect() as connection:
        people = connection.execute(
            select(P.c.id, I.c.birth_date, P.c.study_id).join(I, I.c.participant_id == P.c.id)
            .where(P.c.id.in_(ids))).all()
        signatures, withdrawals = _facts(connection, ids)
        definitions = current_definitions(connection, {person.study_id for person in people})
        found = {}
        for person in people:
            definition = definitions[person.study_id]
            found[person.id] = consent_status(
                rule_for(definition.consent_jurisdiction), definition.consent, date.fromisoformat(person.birth_date),
                today, signatures[person.id], withdrawals[person.id])
    return found


def required_roles(ctx: Context, code: str, on: date) -> tuple[list[Role], list[Role]]:
    """The roles that must sign for this participant on a date, and those sought but optional (the sign dialog)."""
    with environment_errors(), ctx.engine.connect() as connection:
        subject = _allowed_subject(ctx, connection, code, Permission.READ)
    return roles_for(subject.rule, subject.definition.consent, age_in_years(subject.birth_date, on))


def one_holder_exceptions(ctx: Context, code: str, on: date) -> tuple[OneHolderException, ...]:
    """The one-holder exceptions the law allows for this participant on a date (none outside France)."""
    with environment_errors(), ctx.engine.connect() as connection:
        subject = _allowed_subject(ctx, connection, code, Permission.READ)
    return subject.rule.band(age_in_years(subject.birth_date, on)).one_holder_exceptions


def sign(ctx: Context, code: str, given: SignatureInput) -> ConsentStatus:
    """Record one signature after checking it against the rule; returns the consent status that follows."""
    role = _parse_role(given.role)
    name = clean_text(given.name)
    if not name:
        raise InputError(_("The signer's name is required."), field="name")
    signed_on = parse_date(given.signed_on, "date", _("Signature date"))
    signed_time = _parse_time(given.signed_time)
    assent = _parse_assent(role, given.assent)
    exemption = _exemption(given)
    with UnitOfWork(ctx, Permission.RECORD) as work:
        subject = _allowed_subject(ctx, work.connection, code, Permission.RECORD)
        document = _document(subject, signed_on, given.document_version)
        signatures, withdrawals = _facts(work.connection, [subject.id])
        new = SignatureFact(role, signed_on, document.name, document.version, search_key(name),
                            assent_refused=assent == "refused", exception=exemption.kind if exemption else None)
        episode = check_signature(
            subject.rule, subject.definition.consent, subject.birth_date, ctx.today(), document, new, exemption,
            new_episode=given.new_episode, signatures=signatures[subject.id], withdrawals=withdrawals[subject.id])
        tags = {"study": subject.study, "subject": subject.code}
        signer = _signer(work, subject, name, clean_text(given.relationship), tags)
        witness = _signer(work, subject, clean_text(given.witness), None, tags) if clean_text(given.witness) else None
        work.insert(ConsentSignature, {
            "participant_id": subject.id, "episode": episode, "role": role.value, "signer_id": signer,
            "signed_on": signed_on.isoformat(), "signed_time": signed_time, "document": document.name,
            "document_version": document.version, "obtained_by": clean_text(given.obtained_by) or ctx.actor,
            "witness_id": witness, "assent": assent, "exception": exemption.kind.value if exemption else None,
            "exception_detail": exemption.detail() if exemption else None}, **tags)
        return _status(work.connection, subject, ctx.today())


def _signer(work: UnitOfWork, subject: Subject, name: str | None, relationship: str | None,
            tags: dict[str, str]) -> int:
    """The identity-side row of a signer: the same person signing twice is one row."""
    for row in work.read(select(SIGNER.c.id, SIGNER.c.name).where(SIGNER.c.participant_id == subject.id)):
        if search_key(row.name) == search_key(name):
            return row.id
    key = work.insert(ConsentSigner, {"participant_id": subject.id, "name": name, "relationship": relationship},
                      **tags)
    assert key is not None
    return key


def _document(subject: Subject, on: date, version: str | None) -> ConsentDocument:
    plan = subject.definition.consent
    if version is None:
        found = document_in_force(plan, on)
        if found is None:
            first = min(plan.documents, key=lambda d: d.effective)
            raise InputError(_("No consent document of {study} is in effect on {date}; the first takes effect on "
                               "{effective}.").format(study=subject.study, date=on, effective=first.effective),
                             field="date")
        return found
    matching = [d for d in plan.documents if d.version == version.strip()]
    if not matching:
        raise InputError(_("{study} has no consent document version {version}. Versions: {known}.").format(
            study=subject.study, version=version, known=", ".join(d.version for d in plan.documents)),
            field="document")
    return max(matching, key=lambda d: d.effective)


def _parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        raise InputError(_("Unknown role {role}; use one of: {known}.").format(
            role=text, known=", ".join(role.value for role in Role)), field="role") from None


def _parse_time(text: str | None) -> str | None:
    text = clean_text(text)
    if text is None:
        return None
    hours, _sep, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60 and len(minutes) == 2):
        raise InputError(_("The time {time} is not a time of day (HH:MM).").format(time=text), field="time")
    return f"{int(hours):02d}:{minutes}"


def _parse_assent(role: Role, text: str | None) -> str | None:
    value = clean_text(text)
    if role is not Role.assent:
        if value is not None:
            raise InputError(_("Given or refused is recorded for the child's assent only."), field="assent")
        return None
    if value is None or value.lower() not in ASSENT_VALUES:
        raise InputError(_("Record the child's assent as given or refused."), field="assent")
    return value.lower()


def _exemption(given: SignatureInput) -> Exemption | None:
    kind = clean_text(given.exception)
    if kind is None:
        return None
    try:
        exception = OneHolderException(kind.lower())
    except ValueError:
        raise InputError(_("Unknown exception {kind}; use one of: {known}.").format(
            kind=kind, known=", ".join(e.value for e in OneHolderException)), field="exception") from None
    return Exemption(exception, clean_text(given.exception_document), frozenset(given.conditions))


def withdraw(ctx: Context, code: str, on: str | date, by: str, scopes: list[str]) -> ConsentStatus:
    """Record a withdrawal of consent by the participant or a signer, with its scope. Stopping follow-up also
    withdraws the participant from the study (status withdrawn) on that date."""
    withdrawn_on = parse_date(on, "date", _("Withdrawal date"))
    who = _parse_role(by)
    chosen = _parse_scopes(scopes)
    if withdrawn_on > ctx.today():
        raise InputError(_("The withdrawal date {date} is in the future.").format(date=withdrawn_on), field="date")
    with UnitOfWork(ctx, Permission.RECORD) as work:
        subject = _allowed_subject(ctx, work.connection, code, Permission.RECORD)
        current = _status(work.connection, subject, withdrawn_on)
        if current.state is State.withdrawn:
            raise RuleViolation(_("Consent is already withdrawn (since {date}).").format(date=current.since),
                                field="date")
        if current.state is State.not_started:
            raise RuleViolation(_("There is no consent to withdraw."), field="date")
        _no_sample_after(work.connection, subject, withdrawn_on)
        signatures, withdrawals = _facts(work.connection, [subject.id])
        work.insert(ConsentWithdrawal, {
            "participant_id": subject.id, "episode": current_episode(signatures[subject.id], withdrawals[subject.id]),
            "withdrawn_on": withdrawn_on.isoformat(), "by_role": who.value,
            "stop_follow_up": Scope.follow_up in chosen, "stop_data_use": Scope.data_use in chosen,
            "destroy_samples": Scope.samples in chosen}, study=subject.study, subject=subject.code)
        if Scope.follow_up in chosen:
            _end_follow_up(work, subject, withdrawn_on)
        return _status(work.connection, subject, ctx.today())


def _no_sample_after(connection: Connection, subject: Subject, withdrawn_on: date) -> None:
    """A withdrawal entered late cannot be dated before samples already collected under the consent it ends."""
    later = connection.execute(
        select(SAMPLE.c.code).where(SAMPLE.c.participant_id == subject.id, SAMPLE.c.level == 0,
                                    SAMPLE.c.collected_at >= (withdrawn_on + timedelta(days=1)).isoformat())
        .order_by(SAMPLE.c.code)).scalars().all()
    if later:
        raise RuleViolation(_("Samples {codes} were collected after {date}, under this consent: check the withdrawal "
                              "date.").format(codes=", ".join(later), date=withdrawn_on.isoformat()), field="date")


def _end_follow_up(work: UnitOfWork, subject: Subject, on: date) -> None:
    """Consent withdrawn for follow-up ends the participant's course in the study, in the same transaction."""
    status = Status(work.read(select(P.c.status).where(P.c.id == subject.id)).scalar_one())
    if not status.is_final:
        apply_move(work, subject.id, Move(Status.withdrawn, on), _("Consent withdrawn: follow-up stopped"))


def _parse_scopes(scopes: list[str]) -> frozenset[Scope]:
    chosen = set()
    for text in scopes:
        try:
            chosen.add(Scope(text.strip().lower().replace("-", "_")))
        except ValueError:
            raise InputError(_("Unknown withdrawal scope {scope}; use one or more of: {known}.").format(
                scope=text, known=", ".join(scope.value for scope in Scope)), field="scope") from None
    if not chosen:
        raise InputError(_("Say what the withdrawal stops (its scope)."), field="scope")
    return frozenset(chosen)


def require_consent(connection: Connection, code: str, on: date, action: Action) -> None:
    """The gate other services call inside their transaction: refuses an action the consent does not cover."""
    subject = _subject(connection, code)
    current = _status(connection, subject, on)
    if current.state is State.complete:
        return
    stopped = _STOPPED_BY.get(action)
    if current.state is State.withdrawn and stopped is not None and stopped not in current.scopes:
        return
    raise RuleViolation(_("{action} of {code} is refused: {details}.").format(
        action=_(action.value).capitalize(), code=subject.code, details=current.explanation), field="consent")


def require_scope(connection: Connection, code: str, on: date, action: Action, scope: str) -> None:
    """The gate of work a consent document must name (a sample type's scope): consent complete on `on`, and given on
    a document version that covers `scope`."""
    require_consent(connection, code, on, action)
    subject = _subject(connection, code)
    signatures, withdrawals = _facts(connection, [subject.id])
    episode = current_episode(signatures[subject.id], withdrawals[subject.id])
    signed = {(s.document, s.version) for s in signatures[subject.id] if s.episode == episode and s.signed_on <= on}
    plan = subject.definition.consent
    if not any((d.name, d.version) in signed and scope in d.covers for d in plan.documents):
        raise RuleViolation(_("{action} of {code} is refused: the consent signed does not cover {scope}.").format(
            action=_(action.value).capitalize(), code=subject.code, scope=plan.scopes.get(scope, scope).lower()),
            field="consent")


def require_not_stopped(connection: Connection, code: str, on: date, action: Action) -> None:
    """The gate of work that may precede consent (screening values): refused only once a withdrawal stops it."""
    subject = _subject(connection, code)
    current = _status(connection, subject, on)
    if current.state is State.withdrawn and _STOPPED_BY.get(action) in current.scopes:
        raise RuleViolation(_("{action} of {code} is refused: {details}.").format(
            action=_(action.value).capitalize(), code=subject.code, details=current.explanation), field="consent")


def completed_on(connection: Connection, code: str, on: date) -> date | None:
    """The day consent became complete (its last signature), or None when it is not complete on `on`."""
    current = _status(connection, _subject(connection, code), on)
    return current.since if current.state is State.complete else None


def signatures_of(ctx: Context, code: str) -> list[SignatureRecord]:
    """Every signature of a participant with the signers' names, oldest first."""
    witness = SIGNER.alias("witness")
    with environment_errors(), ctx.engine.connect() as connection:
        pid = permitted_participant_id(ctx, connection, code)
        return [
            SignatureRecord(Role(r.role), r.name, r.relationship, date.fromisoformat(r.signed_on), r.signed_time,
                            r.document, r.document_version, r.obtained_by, r.witness_name, r.assent, r.exception,
                            r.exception_detail, r.episode)
            for r in connection.execute(
                select(SIG.c.role, SIGNER.c.name, SIGNER.c.relationship, SIG.c.signed_on, SIG.c.signed_time,
                       SIG.c.document, SIG.c.document_version, SIG.c.obtained_by, witness.c.name.label("witness_name"),
                       SIG.c.assent, SIG.c.exception, SIG.c.exception_detail, SIG.c.episode)
                .join(SIGNER, SIGNER.c.id == SIG.c.signer_id).outerjoin(witness, witness.c.id == SIG.c.witness_id)
                .where(SIG.c.participant_id == pid).order_by(SIG.c.signed_on, SIG.c.id))
        ]
