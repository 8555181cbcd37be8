"""Batches of casebooks: all or nothing, progress that moves evenly and can stop the batch, and section tables that
take exactly the width of the page on either paper."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pypdf import PdfReader
from reportlab.platypus import KeepTogether, Table

from coordinator.crf.casebook import listed_rows
from coordinator.documents.blank_crf import print_blank_crf
from coordinator.documents.casebook import print_casebook
from coordinator.documents.casebooks import BatchStopped, Selection, print_casebooks
from coordinator.documents.crf_fields import SectionPrinter, cdash_date
from coordinator.documents.crf_pages import text_width
from coordinator.documents.pdf import paper_size
from coordinator.eligibility import service as eligibility
from coordinator.eligibility.entry import ValueInput
from coordinator.errors import InputError, RuleViolation
from coordinator.studies import catalogue
from tests.enrolling import make_eligible, on_day
from tests.sampling import CONSENTED_ON, consented, marrow


@pytest.fixture
def three(workspace) -> list[str]:
    codes = [consented(workspace.ctx) for _ in range(3)]
    marrow(workspace.ctx, codes[0])
    return codes


def test_progress_counts_reading_then_printing_and_ends_at_the_total(workspace, three, tmp_path):
    seen: list[tuple[int, int]] = []
    printed = print_casebooks(workspace.ctx, Selection("MILA"), tmp_path / "all.pdf",
                              progress=lambda done, total: seen.append((done, total)) is None)
    assert printed.count == 3 and printed.files == [tmp_path / "all.pdf"]
    assert seen == [(step, 6) for step in range(1, 7)]


@pytest.mark.parametrize("separate", [False, True], ids=["one PDF", "a folder"])
@pytest.mark.parametrize("stop_at", [2, 5], ids=["while reading", "while printing"])
def test_a_stopped_batch_leaves_nothing_behind(workspace, three, tmp_path, separate, stop_at):
    out = tmp_path / "out" / ("casebooks" if separate else "casebooks.pdf")
    with pytest.raises(BatchStopped):
        print_casebooks(workspace.ctx, Selection("MILA"), out, separate=separate,
                        progress=lambda done, _total: done < stop_at)
    assert not out.parent.exists() or list(out.parent.rglob("*")) == []


def test_a_folder_gets_one_casebook_per_participant_named_by_its_code(workspace, three, tmp_path):
    printed = print_casebooks(workspace.ctx, Selection("MILA"), tmp_path / "books", separate=True)
    assert sorted(path.name for path in (tmp_path / "books").iterdir()) == sorted(f"{code}.pdf" for code in three)
    assert printed.files == [tmp_path / "books" / f"{code}.pdf" for code in three]


def test_bad_selections_and_targets_are_refused_in_words(workspace, three, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(InputError, match="has no arm"):
        print_casebooks(workspace.ctx, Selection("MILA", arm="NOPE"), tmp_path / "x.pdf")
    with pytest.raises(RuleViolation, match="No participant of MILA matches"):
        print_casebooks(workspace.ctx, Selection("MILA", site=3), tmp_path / "x.pdf")
    (tmp_path / "a-file.txt").write_text("not a folder")
    with pytest.raises(InputError, match="is a file"):
        print_casebooks(workspace.ctx, Selection("MILA"), tmp_path / "a-file.txt", separate=True)
    with pytest.raises(InputError, match=r"must end in \.pdf"):
        print_casebooks(workspace.ctx, Selection("MILA"), tmp_path / "x.txt")
    assert [path.name for path in tmp_path.iterdir()] == ["a-file.txt"]


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("filled", [True, False], ids=["filled", "blank"])
def test_every_section_of_every_study_takes_the_width_of_the_page(workspace, paper, filled):
    width = text_width(paper_size(paper))
    checked = 0
    for summary in catalogue.summaries(workspace.ctx):
        definition = catalogue.current(workspace.ctx, summary.code).definition
        printer = SectionPrinter(definition, width, filled=filled)
        for form in definition.crf.forms if definition.crf else []:
            for section in form.sections:
                rows = listed_rows(definition, section.record) if section.kind.listed else []
                printed = printer.section(section, rows)
                parts = [inner for part in printed for inner in (part._content if isinstance(part, KeepTogether)
                                                                 else [part])]
                tables = [part for part in parts if isinstance(part, Table)]
                assert sum(tables[-1]._colWidths) == pytest.approx(width), (summary.code, form.id, section.title)
                checked += 1
    assert checked >= 5


def test_dates_print_as_cdash_writes_them():
    assert cdash_date("2026-11-21") == "21/NOV/2026"
    assert cdash_date("2026-03-05 09:30") == "05/MAR/2026"
    assert cdash_date(None) == "—"


def test_a_printer_named_in_hangul_shows_in_the_footer_of_every_page(workspace, three, tmp_path):
    """The page frame is drawn on the canvas, without Paragraph markup: each run still gets a font that has it."""
    ctx = workspace.ctx
    ctx.user = replace(ctx.user, full_name="김민준")
    out = print_casebooks(ctx, Selection("MILA"), tmp_path / "all.pdf").files[0]
    reader = PdfReader(out)
    fonts = {font["/BaseFont"].split("+")[-1] for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert "NanumGothic" in fonts
    assert all("김민준" in page.extract_text() for page in reader.pages)


def _text(path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def test_a_confirmation_whose_values_changed_prints_that_it_no_longer_holds(workspace, tmp_path):
    ctx = workspace.ctx
    code = consented(ctx)
    make_eligible(ctx, code, "MILA", "AL", CONSENTED_ON)
    before = _text(print_casebook(ctx, code, tmp_path / "before.pdf"))
    assert "IECURR ☒ Yes ☐ No" in before
    eligibility.record(on_day(ctx, CONSENTED_ON), code, [ValueInput("RELAPSE", "yes", source="chart")],
                       reason="relapse found in the chart")
    after = _text(print_casebook(ctx, code, tmp_path / "after.pdf"))
    assert "IECURR ☐ Yes ☒ No" in after
    assert "☒ Eligible" in after  # what was confirmed stays printed as it was confirmed


def test_a_source_longer_than_a_page_splits_across_pages_instead_of_failing(workspace, tmp_path):
    ctx = workspace.ctx
    code = consented(ctx)
    eligibility.record(on_day(ctx, CONSENTED_ON), code,
                       [ValueInput("COHORT", "AL", source="chart " + "see the long note " * 450)])
    printed = print_casebook(ctx, code, tmp_path / "long.pdf")
    assert _text(printed).split().count("note") == 450  # each page break cuts a sentence, none loses a word


def test_blank_source_values_offer_each_item_s_own_answers(workspace, tmp_path):
    text = _text(print_blank_crf(workspace.ctx, "MILA", tmp_path / "blank.pdf"))
    cohort = "Cohort ☐ Child with acute leukemia at diagnosis ☐ Child having orthopedic surgery (control)"
    assert cohort in text
    assert "Relapsed leukemia ☐ Yes ☐ No" in text
