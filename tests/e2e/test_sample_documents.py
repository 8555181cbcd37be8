"""Sample documents read back: labels rendered (pdftoppm) and their barcodes decoded (zbarimg), texts extracted
(pdftotext), fonts checked (pdffonts); the shipping manifest and the certificate of destruction."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from sqlalchemy import select

from coordinator.consent import service as consent
from coordinator.documents import labels
from coordinator.documents.destruction_certificate import print_destruction_certificate
from coordinator.documents.label_layouts import LAYOUTS, LabelLayout
from coordinator.documents.labels import LabelData, label_data, print_labels
from coordinator.documents.shipping_manifest import print_manifest
from coordinator.errors import InputError, NotFound, NotPermitted, RuleViolation
from coordinator.samples import service
from coordinator.samples.service import Collection, Derivation
from coordinator.samples.shipments import shipment
from coordinator.samples.withdrawal import confirm_destruction
from db.tables import AuditEntry
from tests.accounts import act_as, add_user
from tests.e2e.test_consent_checklist_pdf import assert_fonts_embedded
from tests.sampling import box, consented, marrow

BIRTH = "2015-03-17"  # the participant's: it must never reach a label
NAMES = ("Hervé", "Lefèvre")  # the participant's (tests/sampling.consented)
LONGEST = "ELIT-AML01-000123-01-02"  # an aliquot of a DLI dose of a study with a long code: 277 Code128 modules


def pages(pdf: Path, dpi: int = 300) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(pdf.with_suffix(""))], check=True)
    return sorted(pdf.parent.glob(pdf.stem + "-*.png"))


def decoded(image: Path) -> list[str]:
    """Every symbol zbarimg finds, as "QR-Code:ID" or "CODE-128:ID" (exit 4: none found)."""
    done = subprocess.run(["zbarimg", "-q", str(image)], capture_output=True, text=True)
    assert done.returncode in (0, 4), done.stderr
    return done.stdout.split()


def both_codes(*codes: str) -> list[str]:
    return sorted(f"{kind}:{code}" for code in codes for kind in ("QR-Code", "CODE-128"))


def text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def exports(workspace, name: str) -> list[str]:
    with workspace.ctx.engine.connect() as connection:
        return list(connection.execute(select(AuditEntry.new_value).where(
            AuditEntry.table_name == "export", AuditEntry.record_id == name)).scalars())


@pytest.fixture
def child(workspace) -> str:
    return consented(workspace.ctx, birth=BIRTH)


@pytest.fixture
def dli_doses(workspace) -> list[str]:
    """Two DLI doses made from a donor's leukapheresis: ids like ELIT-AML01-000001-01."""
    donor = consented(workspace.ctx, "ELIT-AML01", birth="1970-05-05")
    leuka = service.collect(workspace.ctx, donor, Collection("LEUKA", "2026-10-06 08:00", "200 mL"))
    return service.derive(workspace.ctx, leuka, Derivation("DLI", "20 mL", count=2, total_cells="5e8",
                                                           marker_cells="7e7", weight="70 kg"))


def test_every_label_reads_back_as_qr_code_and_code128_without_name_or_birth_date(workspace, child, tmp_path):
    ctx = workspace.ctx
    first, second = marrow(ctx, child), marrow(ctx, child, at="2026-10-07 11:00")
    codes = [first, second, *service.aliquot(ctx, first, 3, "1 mL")]
    pdf = print_labels(ctx, codes, tmp_path / "labels.pdf")
    [page] = pages(pdf)
    assert sorted(decoded(page)) == both_codes(*codes)
    shown = text(pdf)
    for expected in (*codes, "MILA", child, "BMA · DIAG", "2026-10-05", "2026-10-07"):
        assert expected in shown, expected
    for private in (*NAMES, BIRTH, "2015"):
        assert private not in shown, private
    assert_fonts_embedded(pdf)
    assert exports(workspace, "labels.pdf") == [f"sample labels PDF written to {pdf}"]


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_a_long_elit_derivative_id_reads_back_on_every_layout(workspace, dli_doses, tmp_path, layout):
    pdf = print_labels(workspace.ctx, dli_doses, tmp_path / f"{layout}.pdf", layout)
    found = [symbol for page in pages(pdf) for symbol in decoded(page)]
    assert dli_doses[0] == "ELIT-AML01-000001-01"
    assert sorted(found) == both_codes(*dli_doses)
    assert len(pages(pdf)) == (2 if LAYOUTS[layout].is_roll else 1)


def inked_outside_the_labels(image: Path, layout: LabelLayout, slots: range) -> bool:
    """Whether anything is drawn outside the labels' insides: in a label's blank border, or between labels."""
    with Image.open(image) as opened:
        page = opened.convert("L")
    inked = page.point(lambda value: 255 if value < 200 else 0)
    per_mm = page.size[0] / layout.page_width
    outside = Image.new("L", page.size, 255)
    for slot in slots:
        left, top = layout.origin(slot)
        inside = (left + layout.padding, top + layout.padding, left + layout.label_width - layout.padding,
                  top + layout.label_height - layout.padding)
        outside.paste(0, [round(inside[0] * per_mm) - 1, round(inside[1] * per_mm) - 1,
                          round(inside[2] * per_mm) + 1, round(inside[3] * per_mm) + 1])
    return ImageChops.multiply(inked, outside).getbbox() is not None


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_the_longest_id_fits_inside_its_label_and_reads_back(tmp_path, layout):
    stock = LAYOUTS[layout]
    made = [LabelData(LONGEST, "ELIT-AML01", "ELIT-AML01-01-0123", "DLI", "M3", "2026-10-06"),
            LabelData("MILA-000001", "MILA", "MILA-01-0001", "BMA", "DIAG", "2026-10-05")]
    pdf = labels.write_pdf(made, tmp_path / "long.pdf", stock)
    images = pages(pdf)
    assert sorted(symbol for page in images for symbol in decoded(page)) == both_codes(LONGEST, "MILA-000001")
    used = range(1, 2) if stock.is_roll else range(1, 3)
    assert not any(inked_outside_the_labels(page, stock, used) for page in images)


def test_an_id_too_long_for_a_readable_code128_is_refused_before_writing(tmp_path):
    too_long = LabelData("ABCDEFGHIJKLMNOPQRST-000123-01-02", "ABCDEFGHIJKLMNOPQRST", "X", "DLI", None, "2026-10-06")
    with pytest.raises(InputError, match=r"too long for a readable Code128 on a 45\.7 mm label"):
        labels.write_pdf([too_long], tmp_path / "x.pdf", LAYOUTS["cryo-a4"])
    assert not (tmp_path / "x.pdf").exists()


def test_the_first_label_goes_at_the_chosen_position_and_the_rest_follow_on_a_new_sheet(workspace, child, tmp_path):
    ctx = workspace.ctx
    codes = [marrow(ctx, child) for _n in range(3)]
    stock = LAYOUTS["cryo-a4"]
    pdf = print_labels(ctx, codes, tmp_path / "reused.pdf", "cryo-a4", first_position=47)
    first_sheet, second_sheet = pages(pdf, dpi=300)
    assert sorted(decoded(first_sheet)) == both_codes(*codes[:2])
    assert sorted(decoded(second_sheet)) == both_codes(codes[2])
    for slot, expected in ((46, []), (47, both_codes(codes[0])), (48, both_codes(codes[1]))):
        assert sorted(decoded(slot_image(first_sheet, stock, slot, tmp_path))) == expected, slot
    assert sorted(decoded(slot_image(second_sheet, stock, 1, tmp_path))) == both_codes(codes[2])


def slot_image(page: Path, layout: LabelLayout, slot: int, folder: Path) -> Path:
    """One label of a rendered sheet, with a white margin around it (a scanner sees the label alone)."""
    left, top = layout.origin(slot)
    with Image.open(page) as sheet:
        per_mm = sheet.size[0] / layout.page_width
        label = sheet.crop([round(v * per_mm) for v in (left, top, left + layout.label_width,
                                                         top + layout.label_height)])
    framed = Image.new("RGB", (label.width + 80, label.height + 80), "white")
    framed.paste(label, (40, 40))
    out = folder / f"{page.stem}-slot{slot}.png"
    framed.save(out)
    return out


@pytest.mark.parametrize(("change", "error", "message"), [
    (dict(codes=["MILA-999999"]), NotFound, "No sample has the id MILA-999999"),
    (dict(layout="avery-9999"), InputError, "no label layout avery-9999"),
    (dict(first_position=49), InputError, "position from 1 to 48"),
    (dict(first_position=0), InputError, "position from 1 to 48"),
    (dict(layout="roll-50x25", first_position=2), InputError, "position from 1 to 1"),
    (dict(codes=[]), InputError, "Name the samples"),
])
def test_bad_label_requests_are_refused_and_write_nothing(workspace, child, tmp_path, change, error, message):
    code = marrow(workspace.ctx, child)
    asked = dict(codes=[code], layout="cryo-a4", first_position=1) | change
    with pytest.raises(error, match=message):
        print_labels(workspace.ctx, asked["codes"], tmp_path / "labels.pdf", asked["layout"], asked["first_position"])
    assert list(tmp_path.glob("*.pdf")) == []
    assert exports(workspace, "labels.pdf") == []


def test_labels_of_a_study_the_user_may_not_read_are_refused_before_writing(workspace, child, tmp_path):
    code = marrow(workspace.ctx, child)
    add_user(workspace.ctx, "elitmonitor", "monitor", study="ELIT-AML01")
    act_as(workspace.ctx, "elitmonitor")
    with pytest.raises(NotPermitted):
        print_labels(workspace.ctx, [code], tmp_path / "labels.pdf")
    with pytest.raises(NotPermitted):
        label_data(workspace.ctx, [code])
    assert not (tmp_path / "labels.pdf").exists()


@pytest.fixture
def shipped(workspace, child) -> str:
    """Three MILA samples shipped: two taken from the freezer, one never stored; the first was aliquoted first."""
    ctx = workspace.ctx
    box(ctx)
    first, second, third = (marrow(ctx, child) for _n in range(3))
    service.aliquot(ctx, first, 3, "1 mL", at="2026-11-19 09:00")
    service.store(ctx, first, "F1/R1/B1/A1", at="2026-11-19 09:10")
    service.store(ctx, second, "F1/R1/B1/C7", at="2026-11-19 09:10")
    return service.ship(ctx, [first, second, third], "Central lab, Hôpital Saint-Louis, Paris",
                         at="2026-11-20 14:05", note="Dry ice, box 1 of 1")


def test_a_shipment_reads_back_with_where_each_sample_was_taken_from(workspace, child, shipped):
    detail = shipment(workspace.ctx, " mila-shp-0001 ")
    assert (detail.number, detail.study, detail.destination, detail.shipped_at, detail.shipped_by) == (
        shipped, "MILA", "Central lab, Hôpital Saint-Louis, Paris", "2026-11-20 14:05", "tester")
    assert [(s.code, s.participant, s.type_id, s.timepoint, s.volume_text, s.from_location)
            for s in detail.samples] == [
        ("MILA-000001", child, "BMA", "DIAG", "2 mL", "F1/R1/B1/A1"),
        ("MILA-000002", child, "BMA", "DIAG", "5 mL", "F1/R1/B1/C7"),
        ("MILA-000003", child, "BMA", "DIAG", "5 mL", None)]
    assert detail.sender == "CHRU site 1" and detail.note == "Dry ice, box 1 of 1"
    with pytest.raises(NotFound, match="No shipment has the manifest number MILA-SHP-0002"):
        shipment(workspace.ctx, "MILA-SHP-0002")


def test_the_shipping_manifest_lists_the_samples_and_has_lines_to_sign(workspace, shipped, tmp_path):
    pdf = print_manifest(workspace.ctx, shipped, tmp_path / "manifest.pdf")
    shown = " ".join(text(pdf).split())
    for expected in ("Shipping manifest", "Manifest number MILA-SHP-0001", "CHRU site 1",
                     "Central lab, Hôpital Saint-Louis, Paris", "2026-11-20 14:05 by Tess Tester (tester)",
                     "Samples (3)", "MILA-000001", "MILA-000002", "MILA-000003", "F1/R1/B1/A1", "F1/R1/B1/C7",
                     "2026-10-05", "09:30", "BMA = Bone marrow aspirate", "Shipped by", "Received by",
                     "Arrival temperature", "Condition", "page 1 of 1"):
        assert expected in shown, expected
    for private in (*NAMES, BIRTH):
        assert private not in shown, private
    [page] = pages(pdf)
    assert decoded(page) == [f"CODE-128:{shipped}"]
    assert_fonts_embedded(pdf)
    assert exports(workspace, "manifest.pdf") == [f"shipping manifest PDF MILA-SHP-0001 written to {pdf}"]
    with pytest.raises(NotFound):
        print_manifest(workspace.ctx, "MILA-SHP-0009", tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()


def test_the_certificate_of_destruction_before_and_after_confirmation(workspace, child, shipped, tmp_path):
    ctx = workspace.ctx
    with pytest.raises(RuleViolation, match="not withdrawn"):
        print_destruction_certificate(ctx, child, tmp_path / "refused.pdf")
    assert not (tmp_path / "refused.pdf").exists()
    service.receive(ctx, "MILA-000002", at="2026-11-20 18:00")  # back from the lab
    service.store(ctx, "MILA-000002", "F1/R1/B1/I9", at="2026-11-20 18:05")
    service.destroy(ctx, "MILA-000001-01", "Haemolysed", at="2026-11-20 09:00")
    consent.withdraw(ctx, child, "2026-11-10", "holder1", ["samples"])

    before = " ".join(text(print_destruction_certificate(ctx, child, tmp_path / "before.pdf")).split())
    for expected in ("Certificate of destruction of samples", "MILA-01-0001-DC-20261110", child,
                     "Consent withdrawn on 2026-11-10", "To be destroyed: 3 sample(s)",
                     "Samples to be destroyed at the site (3)", "MILA-000002 BMA 2026-10-05 5 mL F1/R1/B1/I9",
                     "MILA-000001-02 BMA 2026-10-05 1 mL not stored",
                     "Samples shipped elsewhere: notify the destination (2)", "MILA-SHP-0001",
                     "Central lab,", "Saint-Louis, Paris", "Used up or destroyed for another reason (1)",
                     "Haemolysed", "Destroyed by", "Witness", "Investigator"):
        assert expected in before, expected
    for private in (*NAMES, BIRTH):
        assert private not in before, private

    confirm_destruction(ctx, child, at="2026-11-21 09:00")
    pdf = print_destruction_certificate(ctx, child, tmp_path / "after.pdf")
    after = " ".join(text(pdf).split())
    for expected in ("Destroyed: 3 sample(s), on 2026-11-21", "Samples destroyed (3)",
                     "MILA-000002 BMA 2026-10-05 5 mL F1/R1/B1/I9 2026-11-21 tester",
                     "Samples shipped elsewhere: notify the destination (2)", "confirmed in the program"):
        assert expected in after, expected
    assert "to be destroyed at the site" not in after
    assert_fonts_embedded(pdf)
    assert exports(workspace, "after.pdf") == [
        f"certificate of destruction of samples PDF MILA-01-0001-DC-20261110 written to {pdf}"]
