"""Demo data for a first run: a few participants in every study, made through the real services."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from coordinator.assignment.enrollment import enroll
from coordinator.consent import service as consent
from coordinator.consent.rules import Role
from coordinator.context import Context
from coordinator.demo_samples import DemoSamples, add_storage
from coordinator.demo_values import demo_values
from coordinator.eligibility import service as eligibility
from coordinator.participants.queries import ParticipantQuery, find_ids
from coordinator.participants.register import ContactInput, Registration, register
from coordinator.security.permissions import Permission
from coordinator.studies import catalogue

NAMES = {
    "FR": [("Hervé", "Lefèvre"), ("Chloé", "Martin"), ("Léa", "Dubois"), ("Noé", "Garçon"), ("Zoé", "Bernard"),
           ("Jules", "Moreau"), ("Inès", "Laurent"), ("Gaël", "Fournier"), ("Maëlys", "Girard"),
           ("Łukasz", "Żółć"), ("Anaïs", "Rousseau"), ("Théo", "Mercier"), ("Camille", "Bonnet"),
           ("Élodie", "Faure")],
    "KR": [("민준", "김"), ("서연", "이"), ("도윤", "박"), ("하은", "최"), ("지호", "정"), ("수아", "강"),
           ("예준", "조"), ("지우", "윤")],
    "NL": [("Daan", "de Vries"), ("Sanne", "Jansen"), ("Bram", "van Dijk"), ("Fleur", "Bakker"),
           ("Ruben", "Visser"), ("Lotte", "Smit")],
}
PLAN = {  # study -> (participants, how many enrolled, one screen failure, one withdrawal)
    "MILA": (14, 9, True, True),
    "REL-ALL": (8, 6, True, False),
    "BLINA-MRD": (5, 3, False, False),
    "NK-HSCT": (6, 4, False, True),
    "ELIT-AML01": (8, 5, True, False),
}


def has_participants(ctx: Context) -> bool:
    return bool(find_ids(ctx, ParticipantQuery()))


def load_demo(ctx: Context, seed: int = 20261121) -> int:
    """Register and move demo participants, as the program; returns how many were registered. Does nothing
    twice.

    The demo is the program's data, but only someone who may record study data in every study may ask for it:
    the program itself (a new default database), or a signed-in user with that role on each study.
    """
    if not ctx.user.program:
        for summary in catalogue.summaries(ctx):
            ctx.require(Permission.RECORD, summary.code)
    ctx = ctx.as_program()
    if has_participants(ctx):
        return 0
    chance = random.Random(seed)
    today = ctx.today()
    count = 0
    add_storage(ctx)
    taking = DemoSamples(chance)
    for summary in catalogue.summaries(ctx):
        total, enrolled, screen_failure, withdrawal = PLAN.get(summary.code, (3, 1, False, False))
        definition = summary.definition
        names = NAMES.get(definition.country, NAMES["FR"])
        low = definition.age.minimum or 1  # a study without a lower bound still gets no newborns in the demo
        high = definition.age.maximum if definition.age.maximum is not None else low + 40
        for index in range(total):
            first, last = names[index % len(names)]
            registered_on = today - timedelta(days=chance.randint(20, 330))
            age_days = chance.randint(low * 366 + 10, (high + 1) * 365 - 10)
            birth = registered_on - timedelta(days=age_days)
            site = definition.sites[index % len(definition.sites)].number
            country = definition.country
            contacts = _parents(country, last, chance) if high < 18 else ()
            code = register(ctx, Registration(
                summary.code, site, birth, chance.choice("FM"), first, last, registered_on, contacts)).code
            count += 1
            _move(ctx, code, summary.code, definition.arms, index, enrolled, screen_failure, withdrawal,
                  registered_on, country, first, last, taking)
    return count


PARENTS = {  # country -> (mother's and father's given names, phone prefix)
    "FR": (("Claire", "Marc"), "+33 6"),
    "NL": (("Anouk", "Pieter"), "+31 6"),
    "KR": (("지영", "성민"), "+82 10"),
}


def _full_name(country: str, given: str, last: str) -> str:
    return f"{last}{given}" if country == "KR" else f"{given} {last}"  # Korean names: family name first


def _parent(country: str, last: str, which: int) -> str:
    (names, _prefix) = PARENTS.get(country, PARENTS["FR"])
    return _full_name(country, names[which], last)


def _parents(country: str, last: str, chance: random.Random) -> tuple[ContactInput, ...]:
    prefix = PARENTS.get(country, PARENTS["FR"])[1]
    phone = f"{prefix} {chance.randint(10, 99)} {chance.randint(10, 99)} {chance.randint(10, 99)}"
    return (
        ContactInput("holder1", _parent(country, last, 0), "mother", phone),
        ContactInput("holder2", _parent(country, last, 1), "father"),
    )


def _sign_consent(ctx: Context, code: str, on: date, country: str, first: str, last: str) -> set[Role]:
    """Every signature the rule requires for this participant on that date, through the consent service."""
    name = _full_name(country, first, last)
    signers = {Role.holder1: (_parent(country, last, 0), "mother"), Role.holder2: (_parent(country, last, 1), "father"),
               Role.guardian: (_parent(country, last, 0), "legal guardian"), Role.participant: (name, None),
               Role.assent: (name, None), Role.investigator: ("Dr Investigator", None)}
    required, _optional = consent.required_roles(ctx, code, on)
    for role in required:
        signer, relationship = signers[role]
        consent.sign(ctx, code, consent.SignatureInput(
            role.value, signer, on, "10:00", relationship, assent="given" if role is Role.assent else None))
    return set(required)


def _move(ctx: Context, code: str, study: str, arms: list, index: int, enrolled: int, screen_failure: bool,
          withdrawal: bool, registered_on: date, country: str, first: str, last: str, taking: DemoSamples) -> None:
    """Screen, confirm and enroll (or fail) a demo participant a week after registration, as it happened then."""
    today = ctx.today()
    values = demo_values(study)
    step = min(today, registered_on + timedelta(days=7))
    then = replace(ctx, clock=lambda: datetime.combine(step, time(10, 0)).astimezone())
    if values is None:
        return
    arm = arms[index % len(arms)].code
    if index < enrolled:
        signed = _sign_consent(ctx, code, step, country, first, last)
        eligibility.record(then, code, values.eligible(arm, step))
        eligibility.confirm(then, code)
        enroll(then, code, reason="Eligible, consent complete")
        taking.take(then, code, study, arm, step)
        if withdrawal and index == 0:
            left = min(today, step + timedelta(days=30))
            scopes = ["follow_up", "samples"] if study == "NK-HSCT" else ["follow_up"]  # one destruction to do
            consent.withdraw(ctx, code, left, "holder1" if Role.holder1 in signed else "participant", scopes)
    elif screen_failure and index == enrolled:
        eligibility.record(then, code, values.eligible(arm, step))
        eligibility.record(then, code, values.failure(step), reason="Corrected from the source document")
        eligibility.confirm(then, code)
