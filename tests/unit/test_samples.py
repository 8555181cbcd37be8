"""Samples through the services: collection under consent, lineage, storage, custody, refusals that change
nothing."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from coordinator.consent import service as consent
from coordinator.errors import InputError, NotFound, RuleViolation
from coordinator.paths import studies_dir
from coordinator.samples import queries, service
from coordinator.samples.custody import Event, Status, status_after
from coordinator.samples.service import Collection, Derivation
from coordinator.samples.storage import box_map
from coordinator.samples.withdrawal import confirm_destruction, destruction_list
from coordinator.workspace import open_workspace
from db.tables import AuditEntry, Sample, SampleEvent
from tests.accounts import TESTER, act_as
from tests.sampling import box, consented, marrow


def counts(workspace) -> tuple[int, int, int]:
    with workspace.ctx.engine.connect() as connection:
        return tuple(connection.execute(select(func.count()).select_from(table)).scalar_one()
                     for table in (Sample, SampleEvent, AuditEntry))


@pytest.fixture
def child(workspace) -> str:
    return consented(workspace.ctx)


def test_collection_gives_a_readable_id_and_is_audited(workspace, child):
    code = marrow(workspace.ctx, child)
    assert code == "MILA-000001"
    assert marrow(workspace.ctx, child) == "MILA-000002"
    found = queries.find(workspace.ctx, " mila-000001 ")
    assert (found.row.participant, found.row.type_id, found.timepoint_label, found.row.volume_text) == (
        child, "BMA", "At diagnosis (before treatment)", "5 mL")
    assert found.row.status is Status.collected
    assert [e.event for e in found.events] == [Event.collected]
    with workspace.ctx.engine.connect() as connection:
        audited = connection.execute(select(AuditEntry.new_value).where(
            AuditEntry.table_name == "sample", AuditEntry.record_id == code, AuditEntry.field == "volume")).scalar()
    assert audited == "5.0"


@pytest.mark.parametrize(("change", "message"), [
    (dict(at="2026-11-22 08:00"), "in the future"),
    (dict(at="2026-10-01 08:00"), "refused"),
    (dict(volume="5"), "has no unit"),
    (dict(volume="-2 mL"), "more than zero"),
    (dict(volume="5 g"), "measured in mL"),
    (dict(type="MSC"), "made from another sample"),
    (dict(type="XYZ"), "no sample type XYZ"),
    (dict(timepoint="EOI"), "no timepoint EOI"),
])
def test_bad_collections_are_refused_and_change_nothing(workspace, child, change, message):
    before = counts(workspace)
    given = dict(type="BMA", at="2026-10-05 09:30", volume="5 mL", timepoint="DIAG") | change
    with pytest.raises(InputError, match=message):
        service.collect(workspace.ctx, child, Collection(**given))
    assert counts(workspace) == before


def test_collection_is_refused_after_a_withdrawal(workspace, child):
    consent.withdraw(workspace.ctx, child, "2026-10-10", "holder1", ["follow_up"])
    with pytest.raises(RuleViolation, match="refused: Withdrawn on 2026-10-10"):
        marrow(workspace.ctx, child, at="2026-10-11 10:00")


def test_aliquots_keep_lineage_and_the_remainder_limits_them(workspace, child):
    parent = marrow(workspace.ctx, child, volume="5 mL")
    made = service.aliquot(workspace.ctx, parent, 4, "1 mL")
    assert made == [f"{parent}-0{n}" for n in range(1, 5)]
    detail = queries.find(workspace.ctx, made[0])
    assert (detail.row.parent, detail.row.level, detail.row.origin) == (parent, 1, "aliquot")
    assert queries.find(workspace.ctx, parent).row.remaining == pytest.approx(1.0)
    before = counts(workspace)
    with pytest.raises(RuleViolation, match="more than the 1 mL left"):
        service.aliquot(workspace.ctx, parent, 2, "600 µL")
    assert counts(workspace) == before
    assert service.aliquot(workspace.ctx, parent, 2, "500 µL") == [f"{parent}-05", f"{parent}-06"]
    assert queries.find(workspace.ctx, parent).row.remaining == 0


def test_dli_doses_carry_cd3_per_kg(workspace):
    participant = consented(workspace.ctx, "ELIT-AML01", birth="1970-05-05")
    leuka = service.collect(workspace.ctx, participant, Collection("LEUKA", "2026-10-06 08:00", "200 mL"))
    doses = service.derive(workspace.ctx, leuka, Derivation(
        "DLI", "20 mL", count=3, total_cells="5e8", marker_cells="7 x 10^7", weight="70 kg"))
    detail = queries.find(workspace.ctx, doses[2])
    assert detail.marker == "CD3+" and detail.dose_per_kg == pytest.approx(1e6)
    with pytest.raises(RuleViolation, match="DLI dose is counted and dosed as made"):
        service.aliquot(workspace.ctx, doses[0], 2, "10 mL")
    with pytest.raises(InputError, match="needs the recipient's weight"):
        service.derive(workspace.ctx, leuka, Derivation("DLI", "20 mL", total_cells="5e8", marker_cells="7e7"))


def test_storage_one_sample_per_position_and_moves(workspace, child):
    box(workspace.ctx)
    first, second = marrow(workspace.ctx, child), marrow(workspace.ctx, child)
    assert service.store(workspace.ctx, first, "F1/R1/B1/a1") == "F1/R1/B1/A1"
    before = counts(workspace)
    for location, message in [("F1/R1/B1/A1", "is taken: MILA-000001"), ("F1/R1/B1/J1", "outside box"),
                              ("F1/R1/B1/A10", "outside box"), ("F1/R1/B9/A1", "no box"), ("A1", "must name")]:
        with pytest.raises(InputError, match=message):
            service.store(workspace.ctx, second, location)
    assert counts(workspace) == before
    service.store(workspace.ctx, first, " f1 / r1 / b1 / i9 ")
    mapped = box_map(workspace.ctx, "F1/R1/B1")
    assert list(mapped.occupants) == [81] and mapped.occupants[81].code == first
    assert queries.find(workspace.ctx, first).row.location == "F1/R1/B1/I9"
    assert [e.event for e in queries.find(workspace.ctx, first).events] == [Event.collected, Event.stored,
                                                                          Event.moved]


def test_custody_status_follows_events_and_shipping_a_destroyed_sample_is_refused(workspace, child):
    box(workspace.ctx)
    code = marrow(workspace.ctx, child)
    other = marrow(workspace.ctx, child)
    service.store(workspace.ctx, code, "F1/R1/B1/A1")
    number = service.ship(workspace.ctx, [code], "Central lab, Lyon")
    assert number == "MILA-SHP-0001"
    detail = queries.find(workspace.ctx, code)
    assert detail.row.status is Status.shipped and detail.row.location is None
    assert detail.events[-1].manifest == number and detail.events[-1].location == "F1/R1/B1/A1"
    service.receive(workspace.ctx, code)
    service.destroy(workspace.ctx, other, "Haemolysed")
    with pytest.raises(RuleViolation, match="destroyed: it cannot be shipped"):
        service.ship(workspace.ctx, [other], "Central lab")
    for code_ in (code, other):
        detail = queries.find(workspace.ctx, code_)
        assert status_after(e.event for e in detail.events) is detail.row.status


def test_unknown_scanned_id(workspace):
    with pytest.raises(NotFound, match="No sample has the id MILA-999"):
        queries.find(workspace.ctx, "MILA-999")


def test_withdrawal_with_destroy_samples_lists_and_destroys(workspace, child):
    box(workspace.ctx)
    kept = marrow(workspace.ctx, child)
    service.store(workspace.ctx, kept, "F1/R1/B1/B2")
    away = marrow(workspace.ctx, child)
    service.ship(workspace.ctx, [away], "Central lab")
    with pytest.raises(RuleViolation, match="not withdrawn"):
        destruction_list(workspace.ctx, child)
    consent.withdraw(workspace.ctx, child, "2026-11-01", "holder1", ["samples"])
    listed = destruction_list(workspace.ctx, child)
    assert [(r.code, r.location) for r in listed.to_destroy] == [(kept, "F1/R1/B1/B2")]
    assert [r.code for r in listed.elsewhere] == [away]
    confirm_destruction(workspace.ctx, child)
    detail = queries.find(workspace.ctx, kept)
    assert detail.row.status is Status.destroyed and detail.row.location is None
    assert "Consent withdrawn on 2026-11-01" in detail.events[-1].reason


def test_the_study_wide_list_filters_and_sorts_in_sql(workspace, child):
    for _n in range(3):
        marrow(workspace.ctx, child)
    service.destroy(workspace.ctx, "MILA-000002", "Clotted")
    query = queries.SampleQuery(study="MILA", sort="code", descending=True)
    assert queries.count(workspace.ctx, query) == 3
    assert [r.code for r in queries.page(workspace.ctx, query, 0, 2)] == ["MILA-000003", "MILA-000002"]
    destroyed = queries.SampleQuery(study="MILA", status=Status.destroyed)
    assert [r.code for r in queries.page(workspace.ctx, destroyed, 0, 10)] == ["MILA-000002"]


def test_a_type_needing_a_scope_the_signed_document_does_not_cover_is_refused(workspace, child, tmp_path, clock):
    """MILA adds a biobank type whose scope only a newer document (not signed by this family) covers."""
    folder = tmp_path / "studies"
    shutil.copytree(studies_dir(), folder)
    mila = folder / "MILA.yaml"
    text = mila.read_text(encoding="utf-8")
    text = text.replace("  scopes: {samples: Bone marrow collection and cell culture for the study}",
                        "  scopes: {samples: Bone marrow collection and cell culture for the study, "
                        "biobank: Storage of marrow for future research}")
    text = text.replace("effective: 2023-03-01, covers: [samples]}\n",
                        "effective: 2023-03-01, covers: [samples]}\n    - {name: Biobank consent form, "
                        "version: \"1.0\", language: fr, effective: 2026-01-01, covers: [biobank]}\n")
    text = text.replace("       primary: false}\n", "       primary: false}\n    - {id: BIO, label: Marrow for the "
                        "biobank, specimen: bone_marrow_aspirate, unit: mL, consent: biobank}\n")
    mila.write_text(text, encoding="utf-8")
    reopened = open_workspace(str(workspace.ctx.url.removeprefix("sqlite:///")), clock=clock, studies=folder)
    act_as(reopened.ctx, TESTER)
    assert reopened.new_versions == [("MILA", 2)]
    with pytest.raises(RuleViolation, match="does not cover storage of marrow for future research"):
        service.collect(reopened.ctx, child, Collection("BIO", "2026-10-05 09:30", "2 mL"))
    assert marrow(reopened.ctx, child).startswith("MILA-")
    reopened.ctx.engine.dispose()


def test_custody_is_told_in_order(workspace, child):
    box(workspace.ctx)
    code = marrow(workspace.ctx, child)
    service.store(workspace.ctx, code, "F1/R1/B1/A1", at="2026-10-10 10:00")
    before = counts(workspace)
    for step in (lambda: service.retrieve(workspace.ctx, code, at="2026-10-06 10:00"),
                 lambda: service.ship(workspace.ctx, [code], "Lab", at="2026-10-09 23:59"),
                 lambda: service.aliquot(workspace.ctx, code, 2, "1 mL", at="2026-10-05 09:29")):
        with pytest.raises(InputError, match="before"):
            step()
    assert counts(workspace) == before


def test_after_a_withdrawal_that_asks_to_destroy_samples_they_can_only_be_stored_and_destroyed(workspace, child):
    box(workspace.ctx)
    kept, other = marrow(workspace.ctx, child), marrow(workspace.ctx, child)
    consent.withdraw(workspace.ctx, child, "2026-11-01", "holder1", ["samples"])
    before = counts(workspace)
    for step in (lambda: service.aliquot(workspace.ctx, kept, 2, "1 mL"),
                 lambda: service.derive(workspace.ctx, kept, Derivation("MSC", "5 mL", taken="1 mL")),
                 lambda: service.ship(workspace.ctx, [kept], "Lab"),
                 lambda: service.use(workspace.ctx, kept, "assay")):
        with pytest.raises(RuleViolation, match="Use of samples of MILA-01-0001 is refused: Withdrawn on 2026-11-01"):
            step()
    assert counts(workspace) == before
    service.store(workspace.ctx, kept, "F1/R1/B1/A1")
    listed = destruction_list(workspace.ctx, child)
    with pytest.raises(RuleViolation, match="changed since the list was shown"):
        confirm_destruction(workspace.ctx, child, expected=[kept])
    with pytest.raises(InputError, match="cannot come before the withdrawal"):
        confirm_destruction(workspace.ctx, child, at="2026-10-31 10:00")
    assert queries.find(workspace.ctx, kept).row.status is Status.stored  # nothing destroyed
    confirm_destruction(workspace.ctx, child, expected=[row.code for row in listed.to_destroy])
    assert {queries.find(workspace.ctx, code).row.status for code in (kept, other)} == {Status.destroyed}


@pytest.mark.parametrize(("text", "message"), [
    ("1" + "0" * 400 + " mL", "not plausible"), ("0.0000001 mL", "not plausible"), ("20 L", "not plausible"),
    ("nan mL", "not an amount"), ("inf mL", "not an amount")])
def test_implausible_volumes_are_refused(workspace, child, text, message):
    with pytest.raises(InputError, match=message):
        marrow(workspace.ctx, child, volume=text)


@pytest.mark.parametrize("cells", ["1e309", "9.9e308", "1e9999999", "2e16"])
def test_impossible_cell_counts_are_refused_at_once(workspace, cells):
    participant = consented(workspace.ctx, "ELIT-AML01", birth="1970-05-05")
    leuka = service.collect(workspace.ctx, participant, Collection("LEUKA", "2026-10-06 08:00", "200 mL"))
    with pytest.raises(InputError, match="cells"):
        service.derive(workspace.ctx, leuka, Derivation("DLI", "20 mL", total_cells=cells, marker_cells="7e7",
                                                        weight="70 kg"))


@pytest.mark.parametrize("position", ["²", "٣", "A²"])
def test_positions_are_written_in_plain_digits(workspace, child, position):
    box(workspace.ctx)
    with pytest.raises(InputError, match="neither a row letter"):
        service.store(workspace.ctx, marrow(workspace.ctx, child), f"F1/R1/B1/{position}")


def test_a_sample_is_audited_under_its_id_from_collection_to_destruction(workspace, child):
    box(workspace.ctx)
    code = marrow(workspace.ctx, child)
    service.store(workspace.ctx, code, "F1/R1/B1/A1")
    service.destroy(workspace.ctx, code, "Clotted")
    with workspace.ctx.engine.connect() as connection:
        records = connection.execute(select(AuditEntry.action, AuditEntry.record_id).where(
            AuditEntry.table_name == "sample").distinct()).all()
    assert {record for _action, record in records} == {code}
    assert {action for action, _record in records} == {"insert", "update"}


def test_a_withdrawal_cannot_be_dated_before_samples_collected_under_the_consent(workspace, child):
    code = marrow(workspace.ctx, child, at="2026-10-20 09:00")
    with pytest.raises(RuleViolation, match=f"Samples {code} were collected after 2026-10-10"):
        consent.withdraw(workspace.ctx, child, "2026-10-10", "holder1", ["samples"])
    consent.withdraw(workspace.ctx, child, "2026-10-20", "holder1", ["samples"])
