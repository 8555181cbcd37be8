"""The participant register: codes, identity kept apart, validation that changes nothing when it refuses."""

from datetime import date

import pytest
from sqlalchemy import func, inspect, select

from coordinator.errors import InputError, NotFound
from coordinator.participants.queries import ParticipantQuery, find_ids, get_participant, list_participants, rows
from coordinator.participants.register import ContactInput, Registration, register, register_many
from db.tables import AuditEntry, Contact, Identity, Participant


def count(workspace, model) -> int:
    with workspace.ctx.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model.__table__)).scalar_one()


def test_codes_follow_study_site_and_sequence(workspace):
    ctx = workspace.ctx
    codes = [register(ctx, Registration("MILA", site, "2016-01-10", "F")).code for site in (1, 1, 2, 1, 3)]
    assert codes == ["MILA-01-0001", "MILA-01-0002", "MILA-02-0001", "MILA-01-0003", "MILA-03-0001"]
    assert register(ctx, Registration("REL-ALL", 1, "2012-01-10", "M")).code == "REL-ALL-01-0001"


def test_identity_lives_in_its_own_table(workspace):
    ctx = workspace.ctx
    code = register(ctx, Registration("MILA", 1, "2016-01-10", "F", "Łukasz", "Żółć", contacts=(
        ContactInput("holder1", "Anna Żółć", "mother", "+48 600 000 000"),
        ContactInput("holder2", "Piotr Żółć", "father")))).code
    columns = {column["name"] for column in inspect(ctx.engine).get_columns("participant")}
    assert not columns & {"first_name", "last_name", "birth_date", "sex", "name"}
    detail = get_participant(ctx, code)
    assert (detail.first_name, detail.last_name, detail.sex, detail.row.birth_date) == (
        "Łukasz", "Żółć", "F", date(2016, 1, 10))
    assert [(c.role, c.name, c.relationship) for c in detail.contacts] == [
        ("holder1", "Anna Żółć", "mother"), ("holder2", "Piotr Żółć", "father")]
    assert count(workspace, Identity) == 1 and count(workspace, Contact) == 2


@pytest.mark.parametrize(
    ("registration", "field", "message"),
    [
        (Registration("NOPE", 1, "2016-01-10", "F"), "study", "Unknown study NOPE. Known studies: BLINA-MRD"),
        (Registration("MILA", 7, "2016-01-10", "F"), "site", "MILA has no site 7. Its sites: 1 (CHRU site 1)"),
        (Registration("MILA", "one", "2016-01-10", "F"), "site", "MILA has no site one"),
        (Registration("MILA", 1, "2030-01-10", "F"), "birth_date", "The birth date 2030-01-10 is in the future"),
        (Registration("MILA", 1, "10/01/2016", "F"), "birth_date", "is not a date: write it as YYYY-MM-DD"),
        (Registration("MILA", 1, "2016-02-30", "F"), "birth_date", "is not a date"),
        (Registration("MILA", 1, "20160110", "F"), "birth_date", "is not a date: write it as YYYY-MM-DD"),
        (Registration("MILA", 1, "2016-W02-1", "F"), "birth_date", "is not a date"),
        (Registration("MILA", 1, "0001-01-01", "F"), "birth_date", "before 1900: check the year"),
        (Registration("MILA", 1, "2016-01-10", "X"), "sex", "Sex must be F or M"),
        (Registration("MILA", 1, "2016-01-10", "F", registered_on="2015-01-01"), "registered_on", "before the birth"),
        (Registration("MILA", 1, "2016-01-10", "F", registered_on="2027-01-01"), "registered_on", "in the future"),
        (Registration("MILA", 1, "2016-01-10", "F", contacts=(ContactInput("holder1", "A B"),
                                                             ContactInput("holder1", "C D"))),
         "contacts", "Each holder of parental authority is entered once"),
        (Registration("MILA", 1, "2016-01-10", "F", contacts=(ContactInput("holder1", "  "),)), "contacts",
         "A contact needs a name"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_nothing_is_written(workspace, registration, field, message):
    before = (count(workspace, Participant), count(workspace, AuditEntry))
    with pytest.raises(InputError) as refused:
        register(workspace.ctx, registration)
    assert message in refused.value.message
    assert refused.value.field == field
    assert (count(workspace, Participant), count(workspace, AuditEntry)) == before


def test_unknown_study_is_not_found(workspace):
    with pytest.raises(NotFound):
        register(workspace.ctx, Registration("NOPE", 1, "2016-01-10", "F"))


def test_age_outside_the_limits_warns_but_registers(workspace):
    ctx = workspace.ctx  # today is 2026-11-21
    result = register(ctx, Registration("MILA", 1, "2010-11-21", "F"))  # 16 today, MILA is 1-15
    assert result.code == "MILA-01-0001"
    assert result.warnings == ["Age 16 at registration is outside MILA's limits (1–15 years at inclusion); "
                               "eligibility will decide."]
    assert register(ctx, Registration("MILA", 1, "2010-11-22", "F")).warnings == []  # 15 until tomorrow
    assert register(ctx, Registration("BLINA-MRD", 1, "2008-11-22", "M")).warnings == []  # 17
    [warning] = register(ctx, Registration("BLINA-MRD", 1, "2008-11-21", "M")).warnings  # 18
    assert "(0–17 years at consent)" in warning


def test_register_many_is_all_or_nothing(workspace):
    good = Registration("NK-HSCT", 1, "2015-05-05", "M")
    with pytest.raises(InputError):
        register_many(workspace.ctx, [good, Registration("NK-HSCT", 9, "2015-05-05", "M")])
    assert count(workspace, Participant) == 0
    codes = [r.code for r in register_many(workspace.ctx, [good, good, good])]
    assert codes == ["NK-HSCT-01-0001", "NK-HSCT-01-0002", "NK-HSCT-01-0003"]


def test_search_ignores_case_and_accents_and_finds_codes(workspace):
    ctx = workspace.ctx
    herve = register(ctx, Registration("MILA", 1, "2016-01-10", "M", "Hervé", "Lefèvre")).code
    lukasz = register(ctx, Registration("MILA", 2, "2015-01-10", "M", "Łukasz", "Żółć")).code
    register(ctx, Registration("MILA", 2, "2014-01-10", "F", "Chloé", "Martin"))

    def found(text: str) -> list[str]:
        return [row.code for row in rows(ctx, find_ids(ctx, ParticipantQuery(study="MILA", text=text)))]

    assert found("herve") == [herve]
    assert found("LEFEVRE") == [herve]
    assert found("zolc") == [lukasz]
    assert found("02-0001") == [lukasz]
    assert found("mila-01") == [herve]
    assert found("100%") == []
    assert len(found("")) == 3


def test_filters_and_sorting_happen_in_sql(workspace):
    ctx = workspace.ctx
    for site, birth in ((1, "2016-01-10"), (2, "2012-06-01"), (1, "2014-03-03")):
        register(ctx, Registration("MILA", site, birth, "F"))
    register(ctx, Registration("REL-ALL", 1, "2010-01-01", "M"))
    by_age = list_participants(ctx, ParticipantQuery(study="MILA", sort="age"))
    assert [p.code for p in by_age] == ["MILA-01-0001", "MILA-01-0002", "MILA-02-0001"]
    oldest_first = list_participants(ctx, ParticipantQuery(study="MILA", sort="age", descending=True))
    assert [p.code for p in oldest_first] == ["MILA-02-0001", "MILA-01-0002", "MILA-01-0001"]
    assert [p.code for p in list_participants(ctx, ParticipantQuery(study="MILA", site=2))] == ["MILA-02-0001"]
    assert len(list_participants(ctx, ParticipantQuery())) == 4
    with pytest.raises(InputError, match=r"MILA has no arm XX\. Its arms: AL, CONTROL"):
        list_participants(ctx, ParticipantQuery(study="MILA", arm="XX"))
    with pytest.raises(InputError, match="Name the study"):
        list_participants(ctx, ParticipantQuery(arm="AL"))
