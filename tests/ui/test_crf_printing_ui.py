"""Printing CRFs from the window: the Print menu, a casebook and the blank CRFs saved as PDF on either paper, the
batch of casebooks with its progress and Cancel (the event loop turning all along), and the way to the printer
(the preview, then the pages drawn as images of the PDF on the chosen paper)."""

from __future__ import annotations

import io
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
import shiboken6
from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader
from PySide6.QtCore import QBuffer, QIODevice, QLocale, QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QPageLayout
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QProgressDialog, QPushButton

from coordinator.documents.casebook import print_casebook
from tests.sampling import consented, marrow
from tests.ui.driving import choose, click_row, column, menu_action, open_participant, select_study, visible, wait_for
from tests.ui.test_samples_participant import shot
from ui import casebooks_dialog, pdf_printing
from ui.casebooks_dialog import CasebooksDialog
from ui.document_print_dialog import DocumentPrintDialog
from ui.paper import PAPER_KEY, PaperChoice, locale_paper
from ui.tasks import tasks_running

A4_POINTS, LETTER_POINTS = (595, 842), (612, 792)
LETTER_TEXT, A4_TEXT = "US Letter (8.5 × 11 in)", "A4 (210 × 297 mm)"


def page_sizes(path: Path) -> set[tuple[int, int]]:
    return {(round(float(page.mediabox.width)), round(float(page.mediabox.height)))
            for page in PdfReader(path).pages}


def text_of(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def select_participant(qtbot, window, code: str) -> None:
    select_study(qtbot, window, "MILA")
    click_row(qtbot, window.participants.table, column(window, "code").index(code))
    assert window.participants.current_code() == code


def offer_file(monkeypatch, target: Path) -> list[str]:
    """The file chooser answers `target`; returns the names it was offered."""
    offered: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args: (offered.append(args[2]), (str(target), ""))[1])
    return offered


def outcome_of(qtbot, dialog) -> str:
    qtbot.waitUntil(dialog.outcome.isVisible, timeout=20_000)  # written in the database thread
    return dialog.outcome.text()


def close_button(dialog) -> QPushButton:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Close)


# The menu opened for its picture: the offscreen platform cannot raise it nor give it the keyboard (this mark
# replaces the one of conftest.py, whose notice it repeats).
@pytest.mark.qt_log_ignore(r"^This plugin does not support (grabbing the keyboard|raise\(\)|propagateSizeHints\(\))$")
def test_the_print_menu_follows_the_selected_participant(qtbot, window, people):
    casebook = menu_action(window, "Print", "Print casebook…")
    select_study(qtbot, window, "MILA")
    assert not casebook.isEnabled() and casebook.toolTip() == "Select a participant in the list first."
    assert menu_action(window, "Print", "Blank CRFs…").isEnabled()
    assert menu_action(window, "Print", "Casebooks…").isEnabled()
    select_participant(qtbot, window, people["Léa"])
    assert casebook.isEnabled() and menu_action(window, "Print", "Consent checklist…").isEnabled()
    assert casebook.shortcut().matches(Qt.Key.Key_P | Qt.KeyboardModifier.ControlModifier).name == "ExactMatch"
    menu = next(top.menu() for top in window.menuBar().actions() if top.text() == "P&rint")
    menu.popup(window.mapToGlobal(QPoint(420, 20)))
    qtbot.waitUntil(menu.isVisible)
    shot(menu, "print-menu")
    menu.close()


def test_a_casebook_is_saved_on_letter_paper_with_the_participant_code_only(qtbot, monkeypatch, tmp_path, window,
                                                                             people):
    code = people["Hervé"]
    select_participant(qtbot, window, code)
    menu_action(window, "Print", "Print casebook…").trigger()
    dialog = wait_for(qtbot, DocumentPrintDialog)
    assert dialog.heading.text() == f"Casebook of {code}"
    choose(qtbot, dialog.paper, LETTER_TEXT)
    target = tmp_path / "out" / "book.pdf"
    target.parent.mkdir()
    offered = offer_file(monkeypatch, target)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert outcome_of(qtbot, dialog) == f"Written: {target}"
    assert offered[0].endswith(f"{code}-casebook.pdf")
    text = text_of(target)
    assert code in text and "Casebook" in text
    assert "Lefèvre" not in text and "Hervé" not in text
    assert page_sizes(target) == {LETTER_POINTS}
    assert QSettings().value(PAPER_KEY) == "letter"
    shot(dialog, "casebook-print-dialog")


def test_the_blank_crfs_of_the_study_are_saved_on_a4(qtbot, monkeypatch, tmp_path, window):
    select_study(qtbot, window, "MILA")
    menu_action(window, "Print", "Blank CRFs…").trigger()
    dialog = wait_for(qtbot, DocumentPrintDialog)
    choose(qtbot, dialog.paper, A4_TEXT)
    target = tmp_path / "blank.pdf"
    offered = offer_file(monkeypatch, target)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert outcome_of(qtbot, dialog) == f"Written: {target}"
    assert offered[0].endswith("MILA-blank-crf.pdf")
    assert "DD/MMM/YYYY" in text_of(target)
    assert page_sizes(target) == {A4_POINTS}


def test_the_consent_checklist_is_on_the_participant_pages_print_menu(qtbot, monkeypatch, tmp_path, window, people):
    select_study(qtbot, window, "MILA")
    page = open_participant(qtbot, window, people["Léa"])
    texts = [action.text() for action in page.print_button.menu().actions()]
    assert texts == ["Print &casebook…", "Consent check&list…"]
    page.print_button.menu().actions()[1].trigger()
    dialog = wait_for(qtbot, DocumentPrintDialog)
    assert not dialog.paper.isVisible()  # the checklist is drawn on A4 only
    target = tmp_path / "checklist.pdf"
    offer_file(monkeypatch, target)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert outcome_of(qtbot, dialog) == f"Written: {target}"
    assert "Dubois" in text_of(target)  # kept at the site: it names the participant
    shot(page, "participant-page-with-print")
    shot(dialog, "checklist-print-dialog")


@pytest.mark.parametrize(("language", "country", "paper"), [
    (QLocale.Language.English, QLocale.Country.UnitedStates, "letter"),
    (QLocale.Language.French, QLocale.Country.Canada, "letter"),
    (QLocale.Language.English, QLocale.Country.UnitedKingdom, "a4"),
    (QLocale.Language.French, QLocale.Country.France, "a4"),
])
def test_the_paper_follows_the_locale_until_the_user_chooses(qtbot, language, country, paper):
    before = QLocale()
    QLocale.setDefault(QLocale(language, country))
    try:
        assert locale_paper() == paper
        assert PaperChoice().paper == paper
        QSettings().setValue(PAPER_KEY, "a4" if paper == "letter" else "letter")
        assert PaperChoice().paper != paper  # what the user chose last wins
    finally:
        QLocale.setDefault(before)


@pytest.fixture
def crowd(workspace, people) -> list[str]:
    """Twelve MILA participants: the four people and eight more with consent, one with a sample."""
    more = [consented(workspace.ctx) for _ in range(8)]
    marrow(workspace.ctx, more[0])
    return [*people.values(), *more]


def open_batch(qtbot, window) -> CasebooksDialog:
    select_study(qtbot, window, "MILA")
    menu_action(window, "Print", "Casebooks…").trigger()
    return wait_for(qtbot, CasebooksDialog)


def to_all(qtbot, combo) -> None:
    """Back to the first entry ("All …") with the Home key (typing "All" right after another choice would be read
    as the end of that word by the combo's keyboard search)."""
    combo.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    assert combo.currentIndex() == 0


class Ticks:
    """A 10 ms timer on the main thread: how often it fired, and the longest wait between two firings."""

    def __init__(self) -> None:
        self.count, self.longest, self._last = 0, 0.0, time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.count += 1
        self.longest = max(self.longest, now - self._last)
        self._last = now


def test_a_batch_runs_in_the_background_with_progress_and_the_window_keeps_turning(qtbot, monkeypatch, tmp_path,
                                                                                    window, crowd):
    dialog = open_batch(qtbot, window)
    assert dialog.selected.text() == "12 participants, one casebook each"
    choose(qtbot, dialog.status, "Enrolled")
    assert dialog.selected.text() == "2 participants, one casebook each"
    to_all(qtbot, dialog.status)
    qtbot.mouseClick(dialog.per_participant, Qt.MouseButton.LeftButton)
    assert dialog.save_button.text() == "Save to a &folder…"
    folder = tmp_path / "books"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args: str(folder))
    shot(dialog, "casebooks-dialog")
    steps: list[tuple[int, int]] = []
    real = casebooks_dialog.print_casebooks

    def watched(*args, progress, **options):
        return real(*args, progress=lambda done, total: steps.append((done, total)) or progress(done, total),
                    **options)

    monkeypatch.setattr(casebooks_dialog, "print_casebooks", watched)
    ticks = Ticks()
    started = time.perf_counter()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert len(visible(QProgressDialog)) == 1  # at once, not after a delay
    progress = visible(QProgressDialog)[0]
    assert progress.labelText() == "Writing the casebooks of MILA…"
    qtbot.waitUntil(lambda: progress.value() > 0 or dialog.outcome.isVisible(), timeout=20_000)
    if not dialog.outcome.isVisible():
        shot(progress, "casebooks-progress")
    said = outcome_of(qtbot, dialog)
    ticks.timer.stop()
    elapsed = time.perf_counter() - started
    assert said == f"Written: 12 casebooks, one PDF each, in {folder}"
    assert not visible(QProgressDialog)
    assert sorted(path.name for path in folder.iterdir()) == sorted(f"{code}.pdf" for code in crowd)
    for code in crowd[:3]:
        assert code in text_of(folder / f"{code}.pdf")
    assert steps[-1] == (24, 24)  # read then printed, a casebook a step each
    assert ticks.count >= elapsed / 0.010 / 4, (ticks.count, elapsed)  # the event loop kept turning...
    assert ticks.longest < 0.25, ticks.longest  # ...without a long stall (bench/ holds the 100 ms figure)
    shot(dialog, "casebooks-written")


def test_cancel_stops_the_batch_and_leaves_nothing_behind(qtbot, monkeypatch, tmp_path, window, crowd):
    dialog = open_batch(qtbot, window)
    target = tmp_path / "out" / "all.pdf"
    target.parent.mkdir()
    offered = offer_file(monkeypatch, target)
    gate = threading.Event()
    real = casebooks_dialog.print_casebooks

    def held(*args, progress, **options):  # each step waits until the test has pressed Cancel
        return real(*args, progress=lambda done, total: gate.wait(10) and progress(done, total), **options)

    monkeypatch.setattr(casebooks_dialog, "print_casebooks", held)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert offered[0].endswith("MILA-casebooks.pdf")
    progress = visible(QProgressDialog)[0]
    cancel = next(button for button in progress.findChildren(QPushButton) if button.text() == "Cancel")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    gate.set()
    assert outcome_of(qtbot, dialog) == "Stopped: nothing was written."
    assert list(target.parent.iterdir()) == []
    assert dialog.save_button.isEnabled()


def test_what_cannot_be_printed_is_said_in_the_dialog(qtbot, monkeypatch, tmp_path, window, crowd):
    dialog = open_batch(qtbot, window)
    choose(qtbot, dialog.site, dialog.site.itemText(3))
    choose(qtbot, dialog.status, "Enrolled")
    assert dialog.selected.text() == "No participant matches: there is no casebook to print."
    assert not dialog.save_button.isEnabled() and not dialog.print_button.isEnabled()
    to_all(qtbot, dialog.status)
    to_all(qtbot, dialog.site)
    assert dialog.save_button.isEnabled()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    qtbot.mouseClick(dialog.per_participant, Qt.MouseButton.LeftButton)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args: str(blocker / "books"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    said = outcome_of(qtbot, dialog)
    assert said.startswith(f"The casebooks could not be written to {blocker / 'books'}"), said
    assert dialog.outcome.styleSheet() == "color: #b3261e;"
    assert blocker.read_text() == "not a folder"
    shot(dialog, "casebooks-error")


def rendered(document: QPdfDocument, page: int) -> Image.Image:
    """A page as a greyscale picture at 40 dpi, scaled to a fixed size to compare pages of either paper."""
    points = document.pagePointSize(page)
    image = pdf_printing.page_image(document, page, 40)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    assert points.width() > 0
    return Image.open(io.BytesIO(bytes(buffer.data()))).convert("L").resize((100, 140), Image.Resampling.BOX)


@pytest.mark.parametrize(("paper", "points"), [("a4", A4_POINTS), ("letter", LETTER_POINTS)])
def test_printing_draws_each_page_of_the_pdf_on_the_chosen_paper(qtbot, tmp_path, workspace, people, paper, points):
    source = print_casebook(workspace.ctx, people["Hervé"], tmp_path / "casebook.pdf", paper)
    document = QPdfDocument()
    assert document.load(str(source)) == QPdfDocument.Error.None_
    printer = pdf_printing.new_printer(paper, "casebook")
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    sheets = pdf_printing.paint_pdf(document, printer, 150)
    pages = len(PdfReader(source).pages)
    assert sheets == pages
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == pages
    assert page_sizes(tmp_path / "printed.pdf") == {points}
    printed = QPdfDocument()
    printed.load(str(tmp_path / "printed.pdf"))
    sources = [rendered(document, page) for page in range(pages)]
    for page in range(pages):  # what prints is the PDF itself: each sheet looks like its page, and like no other
        on_paper = rendered(printed, page)
        differences = [ImageStat.Stat(ImageChops.difference(source, on_paper)).mean[0] for source in sources]
        assert differences[page] < 9, (page, differences)  # anti-aliasing differs; other pages differ far more
        assert min(differences) == differences[page] and sorted(differences)[1] > differences[page] + 1, (
            page, differences)
    printed.close()
    document.close()


def to_file(monkeypatch, sent: Path) -> None:
    """The printer the dialogs start from prints to the PDF file `sent` (the print dialog shows it as its
    choice)."""
    real = pdf_printing.new_printer

    def printer_to_file(paper: str, title: str) -> QPrinter:
        printer = real(paper, title)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(sent))
        return printer

    monkeypatch.setattr(pdf_printing, "new_printer", printer_to_file)


def press_print(qtbot) -> QPrintDialog:
    """Qt's own print dialog, once it has opened, left with its Print button as the user would."""
    qtbot.waitUntil(lambda: len(visible(QPrintDialog)) == 1, timeout=20_000)
    dialog = visible(QPrintDialog)[0]
    shot(dialog, "print-dialog")
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    return dialog


def test_print_shows_the_preview_then_prints_in_the_background_and_cleans_up(qtbot, monkeypatch, tmp_path, window,
                                                                             people):
    sent = tmp_path / "sent.pdf"
    to_file(monkeypatch, sent)
    select_participant(qtbot, window, people["Hervé"])
    menu_action(window, "Print", "Print casebook…").trigger()
    dialog = wait_for(qtbot, DocumentPrintDialog)
    choose(qtbot, dialog.paper, LETTER_TEXT)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(visible(QPrintPreviewDialog)) == 1, timeout=20_000)
    preview = visible(QPrintPreviewDialog)[0]
    temporary = dialog.printing.path
    pages = len(PdfReader(temporary).pages)
    assert preview.findChild(QPrintPreviewWidget).pageCount() == pages
    assert not dialog.print_button.isEnabled()
    shot(preview, "print-preview")
    preview.findChild(QPrintPreviewWidget).print()  # what the preview's Print does once the print dialog is OK
    preview.accept()
    assert outcome_of(qtbot, dialog) == f"Printed to {sent}: {pages} pages."
    assert len(PdfReader(sent).pages) == pages and page_sizes(sent) == {LETTER_POINTS}
    assert not temporary.parent.exists()
    assert dialog.print_button.isEnabled()


def test_closing_the_preview_prints_nothing_and_removes_the_temporary_file(qtbot, window, people):
    select_study(qtbot, window, "MILA")
    menu_action(window, "Print", "Blank CRFs…").trigger()
    dialog = wait_for(qtbot, DocumentPrintDialog)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(visible(QPrintPreviewDialog)) == 1, timeout=20_000)
    temporary = dialog.printing.path
    assert temporary.exists()
    visible(QPrintPreviewDialog)[0].reject()
    qtbot.waitUntil(dialog.print_button.isEnabled)
    assert not temporary.parent.exists()
    assert not dialog.outcome.isVisible()


def test_a_long_batch_goes_to_the_print_dialog_without_a_preview(qtbot, monkeypatch, tmp_path, window, crowd):
    """Past PREVIEW_PAGES the preview would keep too many pictures: Qt's own print dialog comes instead (opened
    for real: PySide6 gives QPrintDialog an open() that wants two arguments)."""
    sent = tmp_path / "batch.pdf"
    monkeypatch.setattr(pdf_printing, "PREVIEW_PAGES", 10)
    to_file(monkeypatch, sent)
    dialog = open_batch(qtbot, window)
    choose(qtbot, dialog.status, "Enrolled")
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    temporary = dialog.printing.path
    asked = press_print(qtbot)
    assert asked.windowTitle().startswith("Print Casebooks of MILA (") and not visible(QPrintPreviewDialog)
    said = outcome_of(qtbot, dialog)
    pages = len(PdfReader(sent).pages)
    assert said == f"Printed to {sent}: {pages} pages." and pages > 10
    assert not visible(QProgressDialog)
    assert not temporary.parent.exists()
    assert dialog.print_button.isEnabled() and close_button(dialog).isEnabled()


def test_cancel_in_the_print_dialog_prints_nothing_and_removes_the_temporary_file(qtbot, monkeypatch, tmp_path,
                                                                                  window, people):
    sent = tmp_path / "sent.pdf"
    monkeypatch.setattr(pdf_printing, "PREVIEW_PAGES", 0)
    to_file(monkeypatch, sent)
    select_study(qtbot, window, "MILA")
    menu_action(window, "Print", "Blank CRFs…").trigger()
    dialog = wait_for(qtbot, DocumentPrintDialog)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    temporary = dialog.printing.path
    qtbot.waitUntil(lambda: len(visible(QPrintDialog)) == 1, timeout=20_000)
    buttons = visible(QPrintDialog)[0].findChild(QDialogButtonBox)
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.print_button.isEnabled)
    assert not temporary.parent.exists() and not sent.exists()
    assert not dialog.outcome.isVisible()


def test_cancel_while_printing_aborts_the_print_job(qtbot, monkeypatch, tmp_path, window, people):
    sent = tmp_path / "sent.pdf"
    monkeypatch.setattr(pdf_printing, "PREVIEW_PAGES", 0)
    to_file(monkeypatch, sent)
    gate = threading.Event()
    real = pdf_printing.paint_pdf

    def held(document, printer, dpi, progress=None):  # each sheet waits until the test has pressed Cancel
        return real(document, printer, dpi, lambda done, total: gate.wait(10) and progress(done, total))

    monkeypatch.setattr(pdf_printing, "paint_pdf", held)
    select_study(qtbot, window, "MILA")
    menu_action(window, "Print", "Blank CRFs…").trigger()
    dialog = wait_for(qtbot, DocumentPrintDialog)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    temporary = dialog.printing.path
    press_print(qtbot)
    qtbot.waitUntil(lambda: any(box.labelText() == "Printing Blank CRFs of MILA…" for box in visible(QProgressDialog)))
    progress = visible(QProgressDialog)[0]
    cancel = next(button for button in progress.findChildren(QPushButton) if button.text() == "Cancel")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    gate.set()
    assert outcome_of(qtbot, dialog) == "Stopped: printing was cancelled."
    assert not temporary.parent.exists() and not sent.exists()  # a printer to file leaves no half-written file
    assert dialog.print_button.isEnabled()


def held_document(dialog: DocumentPrintDialog, gate: threading.Event) -> None:
    """The dialog's document is written only once the test opens the gate."""
    real = dialog.document.write
    dialog.document = replace(dialog.document, write=lambda out, paper: gate.wait(10) and real(out, paper))


@pytest.mark.parametrize("how", ["button", "escape"])
def test_cancel_says_stopping_and_the_dialog_waits_until_the_batch_has_stopped(qtbot, monkeypatch, tmp_path, window,
                                                                              crowd, how):
    """Qt's own Cancel would hide the progress, and its modality with it: the dialog could then be closed under the
    batch, whose result would come back to deleted widgets."""
    dialog = open_batch(qtbot, window)
    target = tmp_path / "all.pdf"
    offer_file(monkeypatch, target)
    gate = threading.Event()
    real = casebooks_dialog.print_casebooks

    def held(*args, progress, **options):
        return real(*args, progress=lambda done, total: gate.wait(10) and progress(done, total), **options)

    monkeypatch.setattr(casebooks_dialog, "print_casebooks", held)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    progress = visible(QProgressDialog)[0]
    cancel = next(button for button in progress.findChildren(QPushButton) if button.text() == "Cancel")
    if how == "button":
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    else:
        progress.activateWindow()
        qtbot.waitUntil(progress.isActiveWindow)
        qtbot.keyClick(progress, Qt.Key.Key_Escape)
    assert progress.isVisible() and progress.windowModality() == Qt.WindowModality.WindowModal
    assert progress.labelText() == "Stopping…" and not cancel.isEnabled()
    qtbot.keyClick(progress, Qt.Key.Key_Escape)
    progress.close()  # the progress window's own close button
    assert progress.isVisible()
    shot(progress, "casebooks-stopping")
    assert not close_button(dialog).isEnabled()
    dialog.close()  # the dialog's close button, which the modal progress leaves no way to reach
    assert dialog.isVisible()
    window.close()  # File > Quit, or Quit in the idle lock
    assert window.isVisible()
    gate.set()
    qtbot.waitUntil(lambda: dialog.outcome.text() == "Stopped: nothing was written.", timeout=20_000)
    assert not visible(QProgressDialog) and not target.exists()
    assert close_button(dialog).isEnabled()
    qtbot.mouseClick(close_button(dialog), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_the_print_dialog_stays_while_the_document_is_prepared(qtbot, window, people):
    """The consent checklist names the participant: its temporary file must go, so the dialog that owns it must
    not close while it is written (the progress shows at once, Close is greyed and refused)."""
    code = people["Léa"]
    select_participant(qtbot, window, code)
    menu_action(window, "Print", "Consent checklist…").trigger()
    dialog = wait_for(qtbot, DocumentPrintDialog)
    gate = threading.Event()
    held_document(dialog, gate)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    temporary = dialog.printing.path
    assert [box.labelText() for box in visible(QProgressDialog)] == [
        f"Preparing Consent checklist of {code} for printing…"]
    assert not close_button(dialog).isEnabled()
    dialog.close()
    assert dialog.isVisible()
    gate.set()
    qtbot.waitUntil(lambda: len(visible(QPrintPreviewDialog)) == 1, timeout=20_000)
    assert "Dubois" in text_of(temporary)
    visible(QPrintPreviewDialog)[0].reject()
    qtbot.waitUntil(close_button(dialog).isEnabled)
    assert not temporary.parent.exists()
    dialog.close()
    assert not dialog.isVisible()


def test_a_print_dialog_deleted_under_its_work_leaves_no_file_and_no_error(qtbot, window, people):
    """Should the program delete the dialog anyway (the window ending), the work's end tidies up and tells no
    one: no error about deleted objects, no temporary file left with a name in it."""
    select_participant(qtbot, window, people["Léa"])
    menu_action(window, "Print", "Consent checklist…").trigger()
    dialog = wait_for(qtbot, DocumentPrintDialog)
    gate = threading.Event()
    held_document(dialog, gate)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    temporary = dialog.printing.path
    shiboken6.delete(dialog)
    gate.set()
    qtbot.waitUntil(lambda: not tasks_running(), timeout=20_000)
    assert not temporary.parent.exists()
    assert not visible(QPrintPreviewDialog) and not visible(QProgressDialog)


def test_a_print_dialog_deleted_under_its_preview_removes_the_temporary_file(qtbot, window, people):
    select_participant(qtbot, window, people["Léa"])
    menu_action(window, "Print", "Consent checklist…").trigger()
    dialog = wait_for(qtbot, DocumentPrintDialog)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(visible(QPrintPreviewDialog)) == 1, timeout=20_000)
    temporary = dialog.printing.path
    assert temporary.exists()
    shiboken6.delete(dialog)
    assert not temporary.parent.exists()
    assert not visible(QPrintPreviewDialog)


def test_a_temporary_folder_left_at_the_end_is_removed_when_the_program_exits():
    scratch = pdf_printing.Scratch()
    (scratch.folder / "document.pdf").write_bytes(b"%PDF")
    pdf_printing._remove_left_folders()  # registered with atexit
    assert not scratch.folder.exists()


def test_saving_refuses_to_close_until_the_pdf_is_written(qtbot, monkeypatch, tmp_path, window, people):
    """Before its progress dialog shows (600 ms), a save leaves Close within reach: it says to wait instead."""
    select_study(qtbot, window, "MILA")
    menu_action(window, "Print", "Blank CRFs…").trigger()
    dialog = wait_for(qtbot, DocumentPrintDialog)
    gate = threading.Event()
    held_document(dialog, gate)
    target = tmp_path / "blank.pdf"
    offer_file(monkeypatch, target)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(close_button(dialog), Qt.MouseButton.LeftButton)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert dialog.outcome.text() == "Please wait: the document is still being written or printed."
    gate.set()
    qtbot.waitUntil(lambda: dialog.outcome.text() == f"Written: {target}", timeout=20_000)
    qtbot.mouseClick(close_button(dialog), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_a_save_whose_dialog_is_deleted_meanwhile_ends_without_error(qtbot, monkeypatch, tmp_path, window, people):
    select_study(qtbot, window, "MILA")
    menu_action(window, "Print", "Blank CRFs…").trigger()
    dialog = wait_for(qtbot, DocumentPrintDialog)
    gate = threading.Event()
    held_document(dialog, gate)
    target = tmp_path / "blank.pdf"
    offer_file(monkeypatch, target)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    shiboken6.delete(dialog)
    gate.set()
    qtbot.waitUntil(lambda: not tasks_running(), timeout=20_000)
    assert target.exists()  # written all the same: only the saying is left out


def test_the_preview_draws_pictures_rendered_in_the_worker(qtbot, monkeypatch, window):
    """Rendering a page takes ~7 ms: 40 of them on the UI thread stalled it for 0.2 s, again at each change of
    page setup. The worker renders them; the preview only draws them."""
    rendered_on: list[threading.Thread] = []
    drawn: list[float] = []
    real_render, real_paint = pdf_printing.page_image, pdf_printing.PdfPrinting._paint_requested

    def render(*args):
        rendered_on.append(threading.current_thread())
        return real_render(*args)

    def paint(printing, printer):
        started = time.perf_counter()
        real_paint(printing, printer)
        drawn.append(time.perf_counter() - started)

    monkeypatch.setattr(pdf_printing, "page_image", render)
    monkeypatch.setattr(pdf_printing.PdfPrinting, "_paint_requested", paint)
    select_study(qtbot, window, "MILA")
    menu_action(window, "Print", "Blank CRFs…").trigger()
    dialog = wait_for(qtbot, DocumentPrintDialog)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(visible(QPrintPreviewDialog)) == 1, timeout=20_000)
    preview = visible(QPrintPreviewDialog)[0]
    widget = preview.findChild(QPrintPreviewWidget)
    qtbot.waitUntil(lambda: widget.pageCount() > 1)
    widget.setOrientation(QPageLayout.Orientation.Landscape)  # a change of page setup draws every page again
    qtbot.waitUntil(lambda: len(drawn) == 2)
    assert len(rendered_on) == widget.pageCount()  # each page once, for the preview
    assert threading.main_thread() not in rendered_on
    assert max(drawn) < 0.05, drawn
    preview.reject()
    qtbot.waitUntil(dialog.print_button.isEnabled)
