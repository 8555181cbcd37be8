"""Case report forms printed from the command line and read back: every printed field compared with what the
services hold (pypdf, which keeps a table cell's text together), each page's QR code decoded from a 150 dpi
rendering (pdftoppm, zbarimg) and matched with the page's header and number, fonts (pdffonts), metadata and
paper; blank CRFs; batches into one PDF or a folder; and bad input, a full disk and Ctrl-C leaving nothing
behind. The participants are made once per module (through the real services) and copied for each test."""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from coordinator.about import PROGRAM
from coordinator.assignment.allocation import allocation_report
from coordinator.assignment.enrollment import enroll
from coordinator.audit.history import participant_history
from coordinator.cli import crf_commands
from coordinator.consent import service as consent
from coordinator.consent.rules import OneHolderException, Role
from coordinator.documents import crf_pages
from coordinator.eligibility import service as eligibility
from coordinator.eligibility.criteria import Decision
from coordinator.eligibility.rules import NONE, State, choice_label
from coordinator.participants.age import age_in_years
from coordinator.participants.lifecycle import Status
from coordinator.participants.queries import ParticipantQuery, get_participant, list_participants
from coordinator.participants.register import Registration, register
from coordinator.paths import studies_dir
from coordinator.samples import queries, service
from coordinator.samples.custody import Status as SampleStatus
from coordinator.samples.quantities import cells_text
from coordinator.samples.service import Collection, Derivation
from coordinator.studies import catalogue
from coordinator.studies.rule_schema import ItemKind
from coordinator.studies.schema import StudyDefinition
from coordinator.workspace import open_workspace
from tests.accounts import TESTER, act_as
from tests.conftest import FIXED_NOW, in_data_folder
from tests.e2e.commands import ok, refused
from tests.e2e.test_consent_checklist_pdf import assert_fonts_embedded
from tests.enrolling import enroll_on, make_eligible, on_day
from tests.sampling import box, leukapheresis, marrow

FIRST, LAST, BIRTH = "Zoé", "Dumoulin", date(2016, 4, 9)  # the MILA child's identity: never printed
SIGNERS = {Role.holder1: "Claire Dumoulin", Role.holder2: "Marc Dumoulin", Role.assent: "Zoé Dumoulin",
           Role.investigator: "Dr Nadia Roux"}
CONSENTED = date(2026, 10, 3)
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
NOTHING = "—"
HEADER = re.compile(r"Participant (\S+) · (.+?) Form version (\S+) ")
PAGE = re.compile(r"page (\d+) of (\d+)$")


# --- the participants, made once ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Made:
    db: Path
    child: str  # MILA, arm AL, site 2: consent with times, values, confirmation, enrollment, samples
    control: str  # MILA, arm CONTROL, site 1, enrolled
    screening: str  # MILA, site 3, nothing recorded yet
    adult: str  # ELIT-AML01, randomized, a leukapheresis and two DLI doses, one stored

    @property
    def mila(self) -> list[str]:
        return [self.child, self.control, self.screening]


@pytest.fixture(scope="module")
def made(template_db: Path, template_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Made:
    path = tmp_path_factory.mktemp("crf") / "crf.sqlite3"
    shutil.copyfile(template_db, path)
    with in_data_folder(template_data):
        opened = open_workspace(str(path), clock=lambda: FIXED_NOW)
        ctx = opened.ctx
        act_as(ctx, TESTER)
        child = register(ctx, Registration("MILA", 2, BIRTH.isoformat(), "F", FIRST, LAST, "2026-10-01")).code
        required, optional = consent.required_roles(ctx, child, CONSENTED)
        assert Role.assent in optional  # sought from age 7
        for minute, role in enumerate([*required, Role.assent], start=10):
            consent.sign(ctx, child, consent.SignatureInput(
                role.value, SIGNERS[role], CONSENTED, f"09:{minute}", assent="given" if role is Role.assent else None))
        make_eligible(ctx, child, "MILA", "AL", CONSENTED)
        enroll(on_day(ctx, CONSENTED), child, reason="eligible")
        aspirate = marrow(ctx, child, "4.5 mL", "2026-10-05 09:30")
        first, second = service.aliquot(ctx, aspirate, 2, "1 mL", "2026-10-05 10:00")
        box(ctx)
        service.store(ctx, first, "F1/R1/B1/A1", "2026-10-05 10:30")
        service.derive(ctx, second, Derivation("MSC", "2 mL", taken="1 mL", at="2026-10-20 14:00"))
        control = register(ctx, Registration("MILA", 1, "2014-02-02", "M", "Luc", "Perrin", "2026-10-02")).code
        enroll_on(ctx, control, "MILA", "CONTROL", date(2026, 10, 4))
        service.collect(ctx, control, Collection("BMA", "2026-10-06 11:00", "3 mL", timepoint="SURG"))
        screening = register(ctx, Registration("MILA", 3, "2019-07-07", "F", "Inès", "Roy", "2026-10-10")).code
        adult = register(ctx, Registration("ELIT-AML01", 1, "1970-05-05", "M", "Jean", "Dupont", "2026-10-01")).code
        enroll_on(ctx, adult, "ELIT-AML01", None, CONSENTED)
        doses = service.derive(ctx, leukapheresis(ctx, adult), Derivation(
            "DLI", "20 mL", count=2, total_cells="5e8", marker_cells="7e7", weight="70 kg"))
        service.store(ctx, doses[0], "F1/R1/B1/A2")
        ctx.engine.dispose()
    return Made(path, child, control, screening, adult)


@pytest.fixture
def tester_db(made: Made, db_file: Path, seal_key: Path) -> Path:
    """Overrides the shared fixture: each test starts from a copy of the module's participants."""
    shutil.copyfile(made.db, db_file)
    return db_file


# --- reading a PDF back --------------------------------------------------------------------------------------------


def pages_of(pdf: Path) -> list[str]:
    """Each page's text, white space folded: a table row reads as its cells in order, a cell's text together."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages]


@dataclass(frozen=True)
class Page:
    number: int
    total: int
    form: str
    title: str
    version: str
    text: str


def framed(pdf: Path) -> list[Page]:
    """Each page with what its header and footer say."""
    found = []
    for text in pages_of(pdf):
        form, title, version = HEADER.findall(text)[-1]
        number, total = PAGE.search(text).groups()
        found.append(Page(int(number), int(total), form, title, version, text))
    return found


def forms_of(pdf: Path) -> dict[str, str]:
    """The text of each form, its pages joined."""
    forms: dict[str, str] = {}
    for page in framed(pdf):
        forms[page.form] = f"{forms.get(page.form, '')} {page.text}".strip()
    return forms


def qr_codes(pdf: Path, page: int | None = None) -> list[list[str]]:
    """The QR codes zbarimg reads on each page (or one page) rendered at 150 dpi."""
    only = ["-f", str(page), "-l", str(page)] if page else []
    prefix = pdf.with_name(f"{pdf.stem}-{page or 'all'}")
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", *only, str(pdf), str(prefix)], check=True)
    images = sorted(pdf.parent.glob(f"{prefix.name}-*.png"), key=lambda image: int(image.stem.rsplit("-", 1)[1]))
    found = []
    for image in images:
        done = subprocess.run(["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
                              capture_output=True, text=True)
        assert done.returncode in (0, 4), done.stderr  # 4: nothing found
        found.append(done.stdout.splitlines())
    return found


def assert_qr_codes_match_pages(pdf: Path, study: str, participant: str) -> None:
    pages = framed(pdf)
    codes = qr_codes(pdf)
    assert len(codes) == len(pages)
    for page, symbols in zip(pages, codes, strict=True):
        assert symbols == [f"SCCRF|{study}|{participant}|{page.form}|{page.version}|{page.number}/{page.total}"], \
            (page.number, page.text[-200:])


def dmy(value: date | str | None) -> str:
    """The CDASH date as the forms print it, e.g. 03/OCT/2026."""
    if not value:
        return NOTHING
    day = value if isinstance(value, date) else date.fromisoformat(value[:10])
    return f"{day.day:02d}/{MONTHS[day.month - 1]}/{day.year}"


def dash(value: object) -> str:
    if value is None or value == "":
        return NOTHING
    return f"{value:g}" if isinstance(value, float) else str(value)


def ticks(options: dict[str, str], chosen: str | None) -> str:
    """Every option of a code list, the chosen one ticked."""
    return " ".join(f"{'☒' if code == chosen else '☐'} {label}" for code, label in options.items())


def exported(ctx, participant: str) -> list[str]:
    return [line.new for line in participant_history(ctx, participant) if line.table == "export"]


def left_in(folder: Path) -> list[str]:
    """Everything in a folder, hidden files and sub-folders included."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


# --- what the services hold, as the forms should print it -------------------------------------------------------


@dataclass(frozen=True)
class Coded:
    """A coded value: its label in a table cell; as a question, every option with the one held ticked."""

    code: str | None
    options: dict[str, str]

    @property
    def cell(self) -> str:
        return self.options[self.code] if self.code else NOTHING

    @property
    def question(self) -> str:
        return ticks(self.options, self.code)


Held = dict[str, "str | Coded"]  # value name (the study file's `value:`) -> what is held, as printed


def held(ctx, code: str) -> tuple[StudyDefinition, dict[str, list[Held]]]:
    """Each record a form may print about the participant, read through the services (not the casebook reader)."""
    detail = get_participant(ctx, code)
    row = detail.row
    definition = catalogue.current(ctx, row.study).definition
    yes_no = {"yes": "Yes", "no": "No"}
    subject: Held = {
        "study": row.study, "code": code, "registered_on": dmy(row.registered_on),
        "site": Coded(str(row.site), {str(site.number): f"{site.number} {site.name}" for site in definition.sites}),
        "birth_year": str(row.birth_date.year), "age": str(age_in_years(row.birth_date, row.registered_on)),
        "age_unit": "YEARS", "sex": Coded(detail.sex, {"F": "Female", "M": "Male"}),
        "status": Coded(row.status.value, {status.value: status.label for status in Status}),
        "status_date": dmy(detail.status_date), "arm": Coded(row.arm, {a.code: a.label for a in definition.arms}),
        "enrolled_on": dmy(row.enrolled_on), "ended_on": dmy(row.ended_on)}
    roles = {role.value: role.label for role in Role}
    signatures = [{
        "episode": str(s.episode), "role": Coded(s.role.value, roles), "signed_on": dmy(s.signed_on),
        "signed_time": dash(s.signed_time), "document": s.document, "document_version": s.version,
        "obtained_by": s.obtained_by, "assent": Coded(s.assent, {"given": "given", "refused": "refused"}),
        "exception": Coded(s.exception, {e.value: e.label for e in OneHolderException})}
        for s in consent.signatures_of(ctx, code)]
    records: dict[str, list[Held]] = {"subject": [subject], "consent": signatures, "withdrawal": []}
    if definition.eligibility is not None:
        records |= _eligibility(ctx, code, definition, yes_no)
    used = [line for line in allocation_report(ctx, row.study).used if line.participant == code] \
        if definition.randomization else []
    records["allocation"] = [{"randomized_on": dmy(u.revealed_at), "stratum": stratum_words(definition, u.stratum),
                              "sequence": str(u.sequence),
                              "arm": Coded(u.arm, {a.code: a.label for a in definition.arms})} for u in used] or [{}]
    kinds = {kind.id: kind.label for kind in definition.samples.types} if definition.samples else {}
    timepoints = {key: label for kind in definition.samples.types for key, label in kind.timepoints.items()} \
        if definition.samples else {}
    records["sample"] = []
    for sample in queries.samples_of(ctx, code):
        found = queries.find(ctx, sample.code)
        dose = found.dose_per_kg
        records["sample"].append({
            "id": sample.code, "type": Coded(sample.type_id, kinds), "parent": dash(sample.parent),
            "level": str(sample.level), "timepoint": timepoints.get(sample.timepoint, dash(sample.timepoint)),
            "collected_on": dmy(sample.collected_at), "collected_time": dash(sample.collected_at[11:16]),
            "quantity": dash(sample.volume), "unit": sample.unit,
            "status": Coded(sample.status.value, {status.value: status.label for status in SampleStatus}),
            "location": dash(sample.location),
            "dose_per_kg": f"{cells_text(dose)} {found.marker} cells/kg" if dose is not None else NOTHING})
    return definition, records


def _eligibility(ctx, code: str, definition: StudyDefinition, yes_no: dict[str, str]) -> dict[str, list[Held]]:
    assessment = eligibility.assessment(ctx, code)
    confirmation = assessment.confirmation
    decisions = {decision.value: decision.label for decision in Decision}
    confirmed: Held = {"decision": Coded(None, decisions), "current": Coded(None, yes_no)}
    if confirmation is not None:
        confirmed = {"decision": Coded(confirmation.decision.value, decisions), "confirmed_on": dmy(confirmation.at),
                     "confirmed_by": confirmation.by, "criteria_not_met": dash(" ".join(confirmation.criteria_not_met)),
                     "current": Coded("yes" if confirmation.current else "no", yes_no)}
    criteria = [{"id": r.criterion.id, "category": Coded(r.criterion.category.value, {
        "inclusion": "Inclusion", "exclusion": "Exclusion"}), "text": r.criterion.text, "stage": r.criterion.stage,
        "result": Coded(r.state.value, {state.value: state.label for state in State}), "reason": dash(r.reason)}
        for r in assessment.results]
    texts = {criterion.id: criterion.text for criterion in definition.eligibility.criteria}
    values = []
    for value in assessment.values:
        item, seen = value.item, value.observation
        shown = NOTHING
        if seen is not None and item is None:
            shown = yes_no[seen.value].lower()
        elif seen is not None and item.kind is ItemKind.date:
            shown = "none" if seen.value == NONE else dmy(seen.value)
        elif seen is not None:
            shown = choice_label(item, seen.value) if item.kind in (ItemKind.choice, ItemKind.yes_no) else seen.value
        values.append({"item": value.key, "label": item.label if item else texts[value.key], "value": shown,
                       "unit": dash(seen.unit if seen else item and item.unit),
                       "uln": dash(seen.uln if seen else None),
                       "measured_on": dmy(seen.measured_on if seen else None),
                       "source": dash(seen.source if seen else None)})
    return {"eligibility": [confirmed], "criterion": criteria, "value": values}


def assert_prints_what_is_held(pdf: Path, definition: StudyDefinition, records: dict[str, list[Held]]) -> None:
    """Every field of every section of every form: a question with its CDASH name and answer, or a table (its
    header, then a row per record), in the form's pages."""
    forms = forms_of(pdf)
    assert list(forms) == ["COVER", *(form.id for form in definition.crf.forms)]
    for form in definition.crf.forms:
        text = forms[form.id]
        for section in form.sections:
            assert section.title in text, section.title
            rows = records[section.record]
            if not section.kind.repeating:
                values = rows[0]
                for field in section.fields:
                    answer = values.get(field.value, NOTHING)
                    line = f"{field.label} {field.name} {answer.question if isinstance(answer, Coded) else answer}"
                    assert line in text, (form.id, line)
                continue
            header = " ".join(f"{field.label} {field.name}" for field in section.fields)
            assert header in text, (form.id, header)
            if not rows:
                assert f"{header} Nothing recorded." in text, (form.id, section.title)
            for values in rows:
                cells = [values[field.value] for field in section.fields]
                line = " ".join(cell.cell if isinstance(cell, Coded) else cell for cell in cells)
                assert line in text, (form.id, line)


# --- a casebook, field by field ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["child", "control", "screening", "adult"])
def test_a_casebook_prints_every_field_the_database_holds(run, workspace, made, tmp_path, who):
    ctx, code = workspace.ctx, getattr(made, who)
    out = tmp_path / "casebook.pdf"
    assert ok(run, "print", "crf", code, "--out", str(out)) == f"Casebook written: {out}\n"
    definition, records = held(ctx, code)
    assert_prints_what_is_held(out, definition, records)
    subject = records["subject"][0]
    cover = forms_of(out)["COVER"]
    arm = subject["arm"].cell if subject["arm"].code else "not assigned"
    for fact in (f"Study {subject['study']} — {definition.title}", f"Site {subject['site'].cell}",
                 f"Participant {code}", f"Arm {arm}", f"Status {subject['status'].cell}",
                 f"CRF version {definition.crf.version}", "Tess Tester (tester)"):
        assert fact in cover, fact
    pages = framed(out)
    assert [page.number for page in pages] == list(range(1, len(pages) + 1))
    for page in pages:
        assert f"{subject['study']} Site {subject['site'].cell} {code} Participant" in page.text, page.number
        assert page.total == len(pages)
    assert exported(ctx, code) == [f"casebook PDF written to {out}"]


def test_the_mila_child_casebook_holds_the_records_made_and_never_her_identity(workspace, made, run, tmp_path):
    """The records the module made are there to be compared (a test that compares nothing cannot fail)."""
    out = tmp_path / "child.pdf"
    ok(run, "print", "crf", made.child, "--out", str(out))
    _definition, records = held(workspace.ctx, made.child)
    assert {held_role["role"].code for held_role in records["consent"]} == {role.value for role in SIGNERS}
    assert all(signature["signed_time"] != NOTHING for signature in records["consent"])
    assert records["eligibility"][0]["decision"].code == "eligible"
    assert sum(value["value"] != NOTHING for value in records["value"]) >= 8
    assert [sample["status"].code for sample in records["sample"]] == ["processed", "stored", "processed", "processed"]
    text = " ".join(pages_of(out))
    assert "☒ Female" in text and "☒ Acute leukemia" in text and "given" in text
    everything = f"{text} {' '.join(str(value) for value in PdfReader(out).metadata.values())}"
    for private in (FIRST, LAST, *SIGNERS.values(), BIRTH.isoformat(), dmy(BIRTH), BIRTH.strftime("%d/%m/%Y")):
        assert private not in everything, private
    assert str(BIRTH.year) in text  # the year of birth is a CDASH field (BRTHYY)


def stratum_words(definition, key: str) -> str:
    """A stratum key (DONOR=MUD) as the casebook words it: the item's label and the choice's."""
    parts = (part.split("=") for part in key.split())
    return ", ".join(f"{definition.items[factor].label}: {definition.items[factor].choices[level]}"
                     for factor, level in parts)


def test_a_randomized_casebook_prints_its_allocation_and_the_doses(workspace, made, run, tmp_path):
    out = tmp_path / "elit.pdf"
    ok(run, "print", "crf", made.adult, "--out", str(out))
    _definition, records = held(workspace.ctx, made.adult)
    [allocated] = records["allocation"]
    assert allocated["stratum"] == "Donor type: Matched unrelated donor"
    assert allocated["arm"].code in ("A-DLI", "B-NONE")
    assert [sample["dose_per_kg"] for sample in records["sample"]][1:] == ["1 × 10^6 CD3+ cells/kg"] * 2
    transplant = next(value for value in records["value"] if value["item"] == "HSCTDAT")
    forms = forms_of(out)
    text = " ".join(forms[form] for form in forms if form != "COVER")  # the cover says when it was printed
    assert re.fullmatch(r"\d\d/[A-Z]{3}/\d{4}", transplant["value"]) and transplant["value"] in text
    assert not re.search(r"\b\d{4}-\d\d-\d\d\b", text)  # every date as DD/MMM/YYYY
    assert "F1/R1/B1/A2" in text


def test_every_page_carries_a_qr_code_naming_its_study_participant_form_and_page(run, made, tmp_path):
    out = tmp_path / "qr.pdf"
    ok(run, "print", "crf", made.child, "--out", str(out))
    assert_qr_codes_match_pages(out, "MILA", made.child)


def test_fonts_are_embedded_metadata_set_and_letter_paper_is_612_by_792(run, made, tmp_path):
    out = tmp_path / "letter.pdf"
    ok(run, "print", "crf", made.child, "--out", str(out), "--paper", "Letter")
    reader = PdfReader(out)
    assert {(float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages} == {(612, 792)}
    assert reader.metadata.title == f"Casebook {made.child}"
    assert reader.metadata.subject == f"Case report forms of {made.child}, study MILA"
    assert reader.metadata.creator.startswith(f"{PROGRAM} ")
    assert_fonts_embedded(out)
    a4 = tmp_path / "a4.pdf"
    ok(run, "print", "crf", made.child, "--out", str(a4))
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in PdfReader(a4).pages} \
        == {(595, 842)}


# --- blank CRFs ------------------------------------------------------------------------------------------------------


def test_blank_crfs_have_every_form_date_boxes_the_criteria_and_no_participant(run, workspace, made, tmp_path):
    out = tmp_path / "blank.pdf"
    assert ok(run, "print", "blank-crf", "--study", "mila", "--out", str(out)) == f"Blank CRFs written: {out}\n"
    mila = catalogue.current(workspace.ctx, "MILA").definition
    pages = framed(out)
    assert pages[0].form == "COVER"
    assert {(page.form, page.title) for page in pages[1:]} == {(form.id, form.title) for form in mila.crf.forms}
    text = " ".join(page.text for page in pages)
    assert "D D / M M M / Y Y Y Y" in text and "H H : M M" in text  # boxes, a letter each
    for criterion in mila.eligibility.criteria:
        assert f"{criterion.id} {criterion.category.value.capitalize()} {criterion.text} ☐ Met" in text, criterion.id
    for page in pages:
        assert "MILA Site Participant" in page.text
    for participant in made.mila:
        assert participant not in text
    assert not re.search(r"MILA-\d\d-\d{4}", text)
    metadata = PdfReader(out).metadata
    assert metadata.title == "Blank case report forms MILA" and metadata.creator.startswith(PROGRAM)
    assert_fonts_embedded(out)
    assert_qr_codes_match_pages(out, "MILA", "")


# --- batches -------------------------------------------------------------------------------------------------------


def test_a_batch_into_one_pdf_numbers_each_casebook_from_page_one(run, workspace, made, tmp_path):
    out = tmp_path / "all.pdf"
    assert ok(run, "print", "casebooks", "--study", "MILA", "--out", str(out)) == f"Casebooks written: 3, in {out}\n"
    expected = [p.code for p in list_participants(workspace.ctx, ParticipantQuery(study="MILA"))]
    version = catalogue.current(workspace.ctx, "MILA").definition.crf.version
    assert sorted(expected) == sorted(made.mila)
    pages = framed(out)
    starts = [index for index, page in enumerate(pages) if page.number == 1]
    assert len(starts) == 3 == sum(1 for text in pages_of(out) if re.search(r"page 1 of \d+$", text))
    books = [pages[start:end] for start, end in zip(starts, [*starts[1:], len(pages)], strict=True)]
    assert [book[0].text.split("Participant ")[1].split()[0] for book in books] == expected
    for code, book, start in zip(expected, books, starts, strict=True):
        assert [page.number for page in book] == list(range(1, len(book) + 1))
        assert all(page.total == len(book) and f" {code} Participant " in page.text for page in book)
        assert qr_codes(out, start + 1) == [[f"SCCRF|MILA|{code}|COVER|{version}|1/{len(book)}"]]
    for code in made.mila:
        assert exported(workspace.ctx, code) == [f"casebook PDF written to {out}"]
    assert exported(workspace.ctx, made.adult) == []
    assert PdfReader(out).metadata.title == "Casebooks MILA"


def test_a_batch_into_a_folder_writes_one_pdf_per_participant_of_the_arm(run, workspace, made, tmp_path):
    folder = tmp_path / "casebooks" / "AL"  # made
    out = ok(run, "print", "casebooks", "--study", "MILA", "--arm", "al", "--out", str(folder))
    assert out == f"Casebooks written: 1, one PDF per participant in {folder}\n"
    assert left_in(folder) == [f"{made.child}.pdf"]
    assert forms_of(folder / f"{made.child}.pdf")["DM"].count(made.child) >= 1
    assert exported(workspace.ctx, made.child) == [f"casebook PDF written to {folder / made.child}.pdf"]
    assert exported(workspace.ctx, made.control) == []
    ok(run, "print", "casebooks", "--study", "MILA", "--site", "3", "--status", "Screening", "--out", str(folder))
    assert left_in(folder) == sorted([f"{made.child}.pdf", f"{made.screening}.pdf"])
    empty = forms_of(folder / f"{made.screening}.pdf")
    assert "Nothing recorded." in empty["BE"] and "☒ Screening" in empty["EOS"]


def test_the_progress_line_is_shown_on_a_terminal_and_cleared_before_the_answer(run, made, tmp_path, monkeypatch):
    monkeypatch.setattr(crf_commands.ProgressLine, "__init__", terminal_progress)
    out = tmp_path / "all.pdf"
    code, stdout, stderr = run("print", "casebooks", "--study", "MILA", "--out", str(out))
    assert (code, stdout) == (0, f"Casebooks written: 3, in {out}\n")
    shown = [part.strip() for part in stderr.split("\r") if part.strip()]
    assert shown == [*(f"Casebooks: reading {n} of 3" for n in (1, 2, 3)),
                     *(f"Casebooks: printing {n} of 3" for n in (1, 2, 3))]
    assert stderr.endswith("\r") and "\n" not in stderr


def terminal_progress(self: crf_commands.ProgressLine, stream) -> None:
    """ProgressLine as on a terminal, whatever pytest's captured stderr says."""
    self.stream, self.shown, self.width = stream, True, 0


def test_without_a_terminal_the_batch_prints_only_its_answer(run, made, tmp_path):
    code, stdout, stderr = run("print", "casebooks", "--study", "MILA", "--out", str(tmp_path / "x.pdf"), "--json")
    assert (code, stderr) == (0, "")
    assert '"casebooks": 3' in stdout and str(tmp_path / "x.pdf") in stdout


# --- bad input: a clear line, and nothing left behind -----------------------------------------------------------


@pytest.mark.parametrize(("arguments", "exit_code", "message"), [
    (["crf", "MILA-09-9999", "--out", "{out}/x.pdf"], 2, "No participant has the code MILA-09-9999."),
    (["crf", "{child}", "--out", "{out}/x.txt"], 2, "The output file must end in .pdf"),
    (["blank-crf", "--study", "MILA", "--out", "{out}/x.txt"], 2, "The output file must end in .pdf"),
    (["blank-crf", "--study", "NOPE", "--out", "{out}/x.pdf"], 2, "Unknown study NOPE."),
    (["casebooks", "--study", "NOPE", "--out", "{out}/x.pdf"], 2, "Unknown study NOPE."),
    (["crf", "{child}", "--out", "{out}/x.pdf", "--paper", "A5"], 2, "Paper must be A4 or Letter, not A5."),
    (["casebooks", "--study", "MILA", "--out", "{out}/notes.txt"], 2, "notes.txt is a file."),
    (["crf", "{child}", "--out", "{out}/notes.txt/x.pdf"], 2, "notes.txt is a file, not a folder"),
    (["crf", "{child}", "--out", "{out}/folder.pdf"], 2, "folder.pdf is a folder"),
    (["casebooks", "--study", "MILA", "--status", "completed", "--out", "{out}/x.pdf"], 2,
     "No participant of MILA matches: there is no casebook to print."),
    (["casebooks", "--study", "MILA", "--status", "gone", "--out", "{out}/x.pdf"], 2, "Unknown status gone."),
    (["casebooks", "--study", "MILA", "--arm", "ZZ", "--out", "{out}"], 2, "MILA has no arm ZZ."),
    (["casebooks", "--study", "MILA", "--site", "9", "--out", "{out}"], 2, "MILA has no site 9."),
])
def test_bad_input_is_refused_in_one_line_and_leaves_nothing(run, workspace, made, tmp_path, arguments, exit_code,
                                                              message):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("kept")
    (out / "folder.pdf").mkdir()
    before = left_in(out)
    given = [argument.format(out=out, child=made.child) for argument in arguments]
    err = refused(run, "print", *given, exit_code=exit_code)
    assert message in err, err
    assert err.startswith("coordinator: ")
    assert left_in(out) == before
    assert (out / "notes.txt").read_text() == "kept"
    assert all(exported(workspace.ctx, code) == [] for code in (*made.mila, made.adult))


@pytest.mark.parametrize("arguments", [["crf", "{child}", "--out", "{out}/x.pdf"],
                                       ["blank-crf", "--study", "MILA", "--out", "{out}/x.pdf"],
                                       ["casebooks", "--study", "MILA", "--out", "{out}/new"]])
def test_a_folder_that_cannot_be_written_is_told_before_anything_is_read(run, made, tmp_path, monkeypatch,
                                                                         arguments):
    """Tests run as root, who ignores permissions: the folder is made to look read-only through os.access."""
    out = tmp_path / "out"
    out.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if mode & os.W_OK and Path(path) == out
                        else real_access(path, mode))
    err = refused(run, "print", *[a.format(out=out, child=made.child) for a in arguments], exit_code=1)
    assert err == f"coordinator: The folder {out} is not writable: choose another place with --out.\n"
    assert left_in(out) == []


def test_a_study_without_crf_definition_is_refused(run, made, tmp_path, monkeypatch):
    """MILA's file without its crf section: a new version of the study, which has no forms to print."""
    folder = tmp_path / "studies"
    shutil.copytree(studies_dir(), folder)
    study = yaml.safe_load((folder / "MILA.yaml").read_text(encoding="utf-8"))
    del study["crf"]
    (folder / "MILA.yaml").write_text(yaml.safe_dump(study, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr("coordinator.workspace.studies_dir", lambda: folder)
    out = tmp_path / "out"
    message = "coordinator: The study MILA has no case report forms: its study file has no crf section.\n"
    for arguments in (["crf", made.child, "--out", str(out / "x.pdf")],
                      ["blank-crf", "--study", "MILA", "--out", str(out / "x.pdf")],
                      ["casebooks", "--study", "MILA", "--out", str(out / "x.pdf")],
                      ["casebooks", "--study", "MILA", "--out", str(out)]):
        assert refused(run, "print", *arguments) == message
    assert not out.exists() or left_in(out) == []


# --- a full disk, Ctrl-C -------------------------------------------------------------------------------------------


def fill_the_disk_after(monkeypatch: pytest.MonkeyPatch, room: int, error: Callable[[], BaseException]) -> None:
    """Every CRF PDF is written through a file that takes `room` bytes in all, then raises `error`: the disk
    fills up in the middle of a file (a batch's second casebook, with room enough for the first)."""
    left = [room]

    class Filling:
        def __init__(self, target) -> None:
            self.target = target

        def write(self, data: bytes) -> int:
            if len(data) > left[0]:
                self.target.write(data[:left[0]])
                left[0] = 0
                raise error()
            left[0] -= len(data)
            return self.target.write(data)

    class Template(crf_pages.SimpleDocTemplate):
        def __init__(self, target, *args, **kwargs) -> None:
            super().__init__(Filling(target), *args, **kwargs)

    monkeypatch.setattr(crf_pages, "SimpleDocTemplate", Template)


def disk_full() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize(("arguments", "room", "message"), [
    (["crf", "{child}", "--out", "{out}/x.pdf"], 20_000, "The PDF could not be written to {out}/x.pdf"),
    (["blank-crf", "--study", "MILA", "--out", "{out}/x.pdf"], 20_000, "The PDF could not be written to {out}/x.pdf"),
    (["casebooks", "--study", "MILA", "--out", "{out}/x.pdf"], 100_000, "The PDF could not be written to {out}/x.pdf"),
    (["casebooks", "--study", "MILA", "--out", "{out}"], 100_000, "The casebooks could not be written to {out}"),
])
def test_a_disk_that_fills_up_leaves_no_half_written_file(run, workspace, made, tmp_path, monkeypatch, arguments,
                                                           room, message):
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.pdf").write_bytes(b"the previous PDF")
    fill_the_disk_after(monkeypatch, room, disk_full)
    err = refused(run, "print", *[a.format(out=out, child=made.child) for a in arguments], exit_code=1)
    assert err == f"coordinator: {message.format(out=out)}: No space left on device.\n"
    assert left_in(out) == ["x.pdf"]
    assert (out / "x.pdf").read_bytes() == b"the previous PDF"
    assert all(exported(workspace.ctx, code) == [] for code in made.mila)


@pytest.mark.parametrize("target", ["x.pdf", "folder"])
def test_ctrl_c_during_a_batch_leaves_nothing_and_says_so(run, workspace, made, tmp_path, monkeypatch, target):
    shown = crf_commands.ProgressLine.__call__

    def interrupted(self, done: int, total: int) -> bool:
        if done == total // 2 + 2:  # the second casebook printed: the third being laid out
            raise KeyboardInterrupt
        return shown(self, done, total)

    monkeypatch.setattr(crf_commands.ProgressLine, "__call__", interrupted)
    out = tmp_path / "out"
    out.mkdir()
    code, stdout, stderr = run("print", "casebooks", "--study", "MILA", "--out", str(out / target))
    assert (code, stdout, stderr) == (130, "", "coordinator: interrupted; no casebook was written.\n")
    assert left_in(out) == []
    assert all(exported(workspace.ctx, participant) == [] for participant in made.mila)


def test_a_batch_stopped_by_a_full_disk_in_the_folder_leaves_the_earlier_files_of_other_batches(run, made, tmp_path,
                                                                                                  monkeypatch):
    folder = tmp_path / "casebooks"
    ok(run, "print", "casebooks", "--study", "MILA", "--arm", "CONTROL", "--out", str(folder))
    kept = (folder / f"{made.control}.pdf").read_bytes()
    fill_the_disk_after(monkeypatch, 100_000, disk_full)
    refused(run, "print", "casebooks", "--study", "MILA", "--out", str(folder), exit_code=1)
    assert left_in(folder) == [f"{made.control}.pdf"]
    assert (folder / f"{made.control}.pdf").read_bytes() == kept


# --- the command line itself -----------------------------------------------------------------------------------


def test_the_crf_commands_load_neither_qt_nor_reportlab_until_a_pdf_is_written():
    loaded = subprocess.run([sys.executable, "-c", (
        "import sys; import coordinator.cli.crf_commands; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'reportlab', 'pypdf'}))")],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert loaded.stdout.strip() == "[]"
