"""Registering a participant: a new pseudonymous code, identity stored apart, everything audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, func, select

from coordinator.audit.writer import UnitOfWork
from coordinator.context import Context
from coordinator.errors import InputError
from coordinator.i18n import _
from coordinator.participants.age import age_in_years
from coordinator.participants.lifecycle import Status
from coordinator.security.permissions import Permission
from coordinator.studies import catalogue
from coordinator.studies.catalogue import StudyRef
from coordinator.values import clean_text, parse_date, parse_sex, search_key
from db.tables import Contact, Identity, Participant, Study

P = Participant.__table__
S = Study.__table__

CONTACT_ROLES = ("holder1", "holder2", "guardian", "participant")


@dataclass(frozen=True)
class ContactInput:
    role: str  # holder1, holder2 (holders of parental authority), guardian, participant
    name: str
    relationship: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Registration:
    """What a coordinator types to register someone. Text fields are validated by `register`."""

    study: str
    site: int | str
    birth_date: str | date
    sex: str
    first_name: str | None = None
    last_name: str | None = None
    registered_on: str | date | None = None  # defaults to today
    contacts: tuple[ContactInput, ...] = ()


@dataclass(frozen=True)
class Registered:
    code: str
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Checked:
    study: StudyRef
    site: int
    birth_date: date
    sex: str
    first_name: str | None
    last_name: str | None
    registered_on: date
    contacts: tuple[ContactInput, ...]
    warnings: list[str]


def check(ctx: Context, registration: Registration) -> _Checked:
    """Validate a registration without writing anything; the GUI calls it to show messages as one types."""
    return _check(ctx, registration, catalogue.current(ctx, registration.study.strip()))


def _check(ctx: Context, registration: Registration, study: StudyRef) -> _Checked:
    site = _site_number(registration.site, study)
    birth = parse_date(registration.birth_date, "birth_date", _("Birth date"))
    today = ctx.today()
    if birth > today:
        raise InputError(_("The birth date {date} is in the future.").format(date=birth.isoformat()),
                         field="birth_date")
    registered_on = (parse_date(registration.registered_on, "registered_on", _("Registration date"))
                     if registration.registered_on else today)
    if registered_on > today:
        raise InputError(_("The registration date {date} is in the future.").format(
            date=registered_on.isoformat()), field="registered_on")
    if registered_on < birth:
        raise InputError(_("The registration date is before the birth date."), field="registered_on")
    contacts = tuple(_checked_contact(contact) for contact in registration.contacts)
    roles = [contact.role for contact in contacts if contact.role != "guardian"]
    if len(roles) != len(set(roles)):
        raise InputError(_("Each holder of parental authority is entered once."), field="contacts")
    return _Checked(
        study, site, birth, parse_sex(registration.sex), clean_text(registration.first_name),
        clean_text(registration.last_name), registered_on, contacts, age_warnings(study, birth, registered_on),
    )


def age_warnings(study: StudyRef, birth: date, on: date) -> list[str]:
    """Outside the study's age limits is a warning at registration: eligibility decides later."""
    limits = study.definition.age
    age = age_in_years(birth, on)
    low = limits.minimum if limits.minimum is not None else 0
    high = limits.maximum
    if age < low or (high is not None and age > high):
        bounds = f"{low}–{high}" if high is not None else f"≥ {low}"
        return [_("Age {age} at registration is outside {study}'s limits ({bounds} years at {reference}); "
                  "eligibility will decide.").format(age=age, study=study.code, bounds=bounds,
                                                     reference=limits.reference)]
    return []


def register(ctx: Context, registration: Registration) -> Registered:
    checked = check(ctx, registration)
    with UnitOfWork(ctx, Permission.RECORD, study=checked.study.code) as work:
        code = _write(work, checked, {})
    return Registered(code, checked.warnings)


def register_many(ctx: Context, registrations: list[Registration]) -> list[Registered]:
    """Register several participants in one transaction (imports, demo data): all or none."""
    studies: dict[str, StudyRef] = {}  # each study is looked up once per batch
    checked = []
    for registration in registrations:
        code = registration.study.strip()
        if code not in studies:
            studies[code] = catalogue.current(ctx, code)
        checked.append(_check(ctx, registration, studies[code]))
    sequences: dict[tuple[int, int], int] = {}
    with UnitOfWork(ctx, Permission.RECORD) as work:
        codes = [_write(work, one, sequences) for one in checked]
    return [Registered(code, one.warnings) for code, one in zip(codes, checked, strict=True)]


def participant_code(study: str, site: int, sequence: int) -> str:
    return f"{study}-{site:02d}-{sequence:04d}"


_LOCK_STUDY = select(S.c.id).where(S.c.id == bindparam("study")).with_for_update()
_LAST_SEQUENCE = (select(func.coalesce(func.max(P.c.sequence), 0))
                  .where(P.c.study_id == bindparam("study"), P.c.site_number == bindparam("site")))


def _write(work: UnitOfWork, checked: _Checked, sequences: dict[tuple[int, int], int]) -> str:
    """Insert one registration. `sequences` remembers the last sequence per (study, site) within this
    transaction, which holds the write lock from its start (BEGIN IMMEDIATE): nobody else can take one."""
    study = checked.study
    key = (study.id, checked.site)
    if key not in sequences:
        # SQLite already holds the write lock (BEGIN IMMEDIATE); a server database locks the study's row here.
        work.read(_LOCK_STUDY.params(study=study.id))
        sequences[key] = work.read(_LAST_SEQUENCE.params(study=study.id, site=checked.site)).scalar_one()
    sequence = sequences[key] = sequences[key] + 1
    code = participant_code(study.code, checked.site, sequence)
    tags = {"study": study.code, "subject": code}
    when = checked.registered_on.isoformat()
    participant_id = work.insert(Participant, {
        "code": code, "study_id": study.id, "study_version_id": study.version_id,
        "site_number": checked.site, "sequence": sequence, "status": Status.screening.value,
        "status_date": when, "registered_on": when,
    }, **tags)
    work.insert(Identity, {
        "participant_id": participant_id, "first_name": checked.first_name, "last_name": checked.last_name,
        "birth_date": checked.birth_date.isoformat(), "sex": checked.sex,
        "search_name": search_key(checked.first_name, checked.last_name),
    }, record_id=str(participant_id), **tags)
    for contact in checked.contacts:
        work.insert(Contact, {
            "participant_id": participant_id, "role": contact.role, "name": contact.name,
            "relationship": contact.relationship, "phone": contact.phone, "email": contact.email,
        }, **tags)
    return code


def _site_number(site: int | str, study: StudyRef) -> int:
    try:
        number = int(str(site).strip())
    except ValueError:
        number = None
    if number is None or study.definition.site(number) is None:
        known = ", ".join(f"{s.number} ({s.name})" for s in study.definition.sites)
        raise InputError(_("{study} has no site {site}. Its sites: {known}.").format(
            study=study.code, site=site, known=known), field="site")
    return number


def _checked_contact(contact: ContactInput) -> ContactInput:
    if contact.role not in CONTACT_ROLES:
        raise InputError(_("Unknown contact role {role}.").format(role=contact.role), field="contacts")
    name = clean_text(contact.name)
    if not name:
        raise InputError(_("A contact needs a name."), field="contacts")
    return ContactInput(contact.role, name, clean_text(contact.relationship), clean_text(contact.phone),
                        clean_text(contact.email))
