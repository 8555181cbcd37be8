"""The consent rules of the five studies, as the pure status function sees them."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from coordinator.consent.rules import ConsentRuleProblem, JurisdictionRule, OneHolderException, Role, rule_for
from coordinator.consent.status import (
    Scope,
    SignatureFact,
    State,
    WithdrawalFact,
    consent_status,
    reconsent_due_on,
    roles_for,
)
from coordinator.paths import studies_dir
from coordinator.studies.loader import load_directory
from coordinator.studies.schema import ConsentDocument, ConsentPlan

STUDIES = load_directory(studies_dir()).studies
TODAY = date(2026, 11, 21)


def plan(study: str) -> ConsentPlan:
    return STUDIES[study].definition.consent


def rule(study: str):
    return rule_for(STUDIES[study].definition.consent_jurisdiction)


def signed(*roles: Role, on: date = date(2026, 10, 1), version: str = "1.0", **extra) -> list[SignatureFact]:
    return [SignatureFact(role, on, "Information and consent form", version, f"signer {role.value}", **extra)
            for role in roles]


def status(study: str, birth: date, signatures: list[SignatureFact], withdrawals=(), on: date = TODAY,
           consent: ConsentPlan | None = None):
    return consent_status(rule(study), consent or plan(study), birth, on, signatures, list(withdrawals))


@pytest.mark.parametrize(("study", "age", "required"), [
    ("MILA", 5, [Role.holder1, Role.holder2, Role.investigator]),
    ("MILA", 10, [Role.holder1, Role.holder2, Role.investigator]),
    ("ELIT-AML01", 40, [Role.participant, Role.investigator]),
    ("NK-HSCT", 11, [Role.holder1, Role.holder2, Role.investigator]),
    ("NK-HSCT", 12, [Role.holder1, Role.holder2, Role.participant, Role.investigator]),
    ("NK-HSCT", 15, [Role.holder1, Role.holder2, Role.participant, Role.investigator]),
    ("NK-HSCT", 16, [Role.participant, Role.investigator]),
    ("REL-ALL", 5, [Role.holder1, Role.investigator]),
    ("REL-ALL", 10, [Role.holder1, Role.investigator, Role.assent]),
    ("REL-ALL", 18, [Role.holder1, Role.investigator, Role.assent]),
    ("REL-ALL", 19, [Role.participant, Role.investigator]),
    ("BLINA-MRD", 12, [Role.holder1, Role.investigator, Role.assent]),
])
def test_each_age_band_asks_for_its_signers(study, age, required):
    assert roles_for(rule(study), plan(study), age)[0] == required


def test_french_assent_is_sought_from_the_study_assent_age_but_optional():
    assert Role.assent not in roles_for(rule("MILA"), plan("MILA"), 6)[1]
    assert Role.assent in roles_for(rule("MILA"), plan("MILA"), 7)[1]


def test_no_signature_is_not_started():
    assert status("MILA", date(2018, 1, 1), []).state is State.not_started


def test_a_missing_second_holder_is_said_in_words():
    result = status("MILA", date(2018, 1, 1), signed(Role.holder1, Role.investigator))
    assert result.state is State.incomplete
    assert result.missing == ["Consent of the second holder of parental authority is missing"]


def test_both_holders_and_the_investigator_make_it_complete():
    assert status("MILA", date(2018, 1, 1), signed(Role.holder1, Role.holder2, Role.investigator)).is_current


@pytest.mark.parametrize("exception", list(OneHolderException))
def test_a_french_one_holder_exception_excuses_the_second_holder(exception):
    signatures = [*signed(Role.holder1, exception=exception), *signed(Role.investigator)]
    assert status("MILA", date(2018, 1, 1), signatures).is_current


def test_the_dutch_rule_has_no_one_holder_exception():
    signatures = [*signed(Role.holder1, exception=OneHolderException.sole_holder), *signed(Role.investigator)]
    assert not status("NK-HSCT", date(2018, 1, 1), signatures).is_current


def test_a_refused_assent_binds_whatever_the_parents_signed():
    signatures = [*signed(Role.holder1, Role.holder2, Role.investigator),
                  *signed(Role.assent, assent_refused=True)]
    result = status("MILA", date(2016, 1, 1), signatures)
    assert result.state is State.incomplete
    assert "a refusal is binding" in result.missing[0]


def test_reaching_majority_in_france_calls_for_the_participants_own_consent():
    birth = date(2008, 11, 1)  # 17 at the signatures, 18 on 2026-11-01
    result = status("MILA", birth, signed(Role.holder1, Role.holder2, Role.investigator, on=date(2025, 6, 1)))
    assert result.state is State.reconsent_due
    assert result.since == date(2026, 11, 1)
    assert "majority (18)" in result.reason
    assert result.missing == ["Consent of the participant is missing"]


def test_turning_twelve_in_the_netherlands_calls_for_the_childs_consent():
    birth = date(2014, 11, 10)
    result = status("NK-HSCT", birth, signed(Role.holder1, Role.holder2, Role.investigator, on=date(2025, 1, 1)))
    assert (result.state, result.since) == (State.reconsent_due, date(2026, 11, 10))
    assert result.reason == "turned 12 on 2026-11-10"


def test_turning_sixteen_in_the_netherlands_keeps_a_consent_the_child_already_gave():
    birth = date(2010, 11, 10)
    signatures = signed(Role.holder1, Role.holder2, Role.participant, Role.investigator, on=date(2025, 1, 1))
    assert status("NK-HSCT", birth, signatures).is_current


def test_korean_majority_is_nineteen():
    birth = date(2008, 1, 1)  # 18 today: still a minor in Korea
    signatures = signed(Role.holder1, Role.investigator, on=date(2026, 1, 10))
    signatures += signed(Role.assent, on=date(2026, 1, 10))
    assert status("REL-ALL", birth, signatures).is_current
    later = status("REL-ALL", birth, signatures, on=date(2027, 1, 1))
    assert later.state is State.reconsent_due and "majority (19)" in later.reason


def _versions(requires_reconsent: bool) -> ConsentPlan:
    return ConsentPlan(documents=[
        ConsentDocument(name="Information and consent form", version="1.0", language="fr",
                        effective=date(2023, 3, 1)),
        ConsentDocument(name="Information and consent form", version="2.0", language="fr",
                        effective=date(2026, 11, 1), requires_reconsent=requires_reconsent)])


def test_a_new_version_that_requires_it_flags_re_consent():
    signatures = signed(Role.holder1, Role.holder2, Role.investigator)
    result = status("MILA", date(2018, 1, 1), signatures, consent=_versions(True))
    assert (result.state, result.since) == (State.reconsent_due, date(2026, 11, 1))
    assert result.reason == "Information and consent form version 2.0 requires re-consent"
    assert status("MILA", date(2018, 1, 1), signatures, on=date(2026, 10, 31), consent=_versions(True)).is_current


def test_a_new_version_without_re_consent_keeps_the_consent_current():
    signatures = signed(Role.holder1, Role.holder2, Role.investigator)
    assert status("MILA", date(2018, 1, 1), signatures, consent=_versions(False)).is_current


@pytest.mark.parametrize("scopes", [{Scope.follow_up}, {Scope.data_use}, {Scope.samples},
                                    {Scope.follow_up, Scope.data_use, Scope.samples}])
def test_a_withdrawal_keeps_its_scope(scopes):
    withdrawal = WithdrawalFact(date(2026, 11, 1), Role.holder1, frozenset(scopes))
    result = status("MILA", date(2018, 1, 1), signed(Role.holder1, Role.holder2, Role.investigator), [withdrawal])
    assert (result.state, result.scopes, result.since) == (State.withdrawn, scopes, date(2026, 11, 1))


def test_the_to_do_dates_include_majority_and_versions():
    due = reconsent_due_on(rule("MILA"), _versions(True), date(2008, 12, 5), date(2026, 10, 25), date(2026, 12, 21))
    assert due == [(date(2026, 11, 1), "Information and consent form version 2.0 requires re-consent"),
                   (date(2026, 12, 5), "turns 18")]


@pytest.mark.parametrize(("bands", "reason"), [
    ([{"from_age": 0, "below": 12, "required": ["holder1"]}, {"from_age": 13, "required": ["participant"]}],
     "band 2 starts at 13, expected 12"),
    ([{"from_age": 0, "below": 18, "required": ["holder1"]}], "the last age band, and only it, has no upper bound"),
    ([{"from_age": 0, "required": ["nurse"]}], "Input should be"),
])
def test_a_bad_rule_file_is_refused_with_its_reason(bands, reason):
    with pytest.raises(ValidationError, match=reason):
        JurisdictionRule.model_validate({"jurisdiction": "XX", "law": "test", "age_of_majority": 18, "bands": bands})


def test_a_missing_rule_file_is_an_installation_problem():
    with pytest.raises(ConsentRuleProblem, match="No consent rule file for the jurisdiction ZZ"):
        rule_for("ZZ")


def test_reaching_the_korean_assent_age_calls_for_the_childs_assent():
    birth = date(2019, 11, 1)  # 6 at the signatures, 7 on 2026-11-01
    result = status("REL-ALL", birth, signed(Role.holder1, Role.investigator, on=date(2026, 6, 1)))
    assert (result.state, result.since, result.reason) == (State.reconsent_due, date(2026, 11, 1),
                                                           "turned 7 on 2026-11-01")
    assert result.missing == ["Assent of the child is missing"]


def test_the_to_do_flags_the_dutch_twelfth_birthday_but_not_the_sixteenth():
    assert reconsent_due_on(rule("NK-HSCT"), plan("NK-HSCT"), date(2014, 12, 1), TODAY, date(2026, 12, 21)) == [
        (date(2026, 12, 1), "turns 12")]
    assert reconsent_due_on(rule("NK-HSCT"), plan("NK-HSCT"), date(2010, 12, 1), TODAY, date(2026, 12, 21)) == []
