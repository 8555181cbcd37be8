"""What can be printed, where a coordinator looks for it: the main window's Print menu (the selected participant's
casebook and consent checklist; the study's blank CRFs, casebooks and blank consent checklist) and the Print button
on a participant's page. Each opens a dialog that saves a PDF or prints through the preview, on A4 or Letter."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMainWindow, QMenu, QWidget

from coordinator.context import Context
from coordinator.crf.selection import Selection
from coordinator.security.permissions import Permission
from coordinator.studies import catalogue
from coordinator.studies.catalogue import StudySummary
from ui.casebooks_dialog import CasebooksDialog
from ui.document_print_dialog import (
    Document,
    DocumentPrintDialog,
    blank_consent_checklist,
    blank_crfs,
    casebook,
    consent_checklist,
)
from ui.participant_panel import ParticipantPanel
from ui.signed_in_user import permit


def _tr(text: str) -> str:
    return QCoreApplication.translate("print_actions", text)


def _opened(dialog: QDialog) -> QDialog:
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def print_document(parent: QWidget, document: Document) -> DocumentPrintDialog:
    return _opened(DocumentPrintDialog(document, parent))


class PrintActions(QObject):
    """The Print menu's actions, greyed while there is nothing to print them for (no participant selected, a study
    file without CRFs) or the user's roles do not allow reading the study."""

    def __init__(self, window: QMainWindow, ctx: Callable[[], Context], panel: ParticipantPanel,
                 summary: Callable[[], StudySummary | None]) -> None:
        super().__init__(window)
        self._window = window
        self._ctx = ctx
        self._panel = panel
        self._summary = summary
        self.casebook_action = self._action(self.tr("Print &casebook…"), self.tr(
            "The selected participant's casebook: every case report form filled from the database (Ctrl+P)"),
            self.print_casebook)
        self.casebook_action.setShortcut(QKeySequence.StandardKey.Print)
        self.checklist_action = self._action(self.tr("Consent check&list…"), self.tr(
            "The selected participant's consent checklist, with names: kept at the site"), self.print_checklist)
        self.blank_crfs_action = self._action(self.tr("&Blank CRFs…"), self.tr(
            "The study's case report forms, empty, for paper use"), self.print_blank_crfs)
        self.casebooks_action = self._action(self.tr("C&asebooks…"), self.tr(
            "The casebooks of the study, or of one arm, site or status: one PDF, one per participant, or a printer"),
            self.print_casebooks)
        self.blank_checklist_action = self._action(self.tr("Blank c&onsent checklist…"), self.tr(
            "The study's consent checklist, to fill in by hand"), self.print_blank_checklist)
        panel.table.selectionModel().currentChanged.connect(lambda _current, _previous: self.apply_roles())
        panel.model.modelReset.connect(self.apply_roles)

    def _action(self, text: str, tip: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self._window)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def fill(self, menu: QMenu) -> None:
        menu.setToolTipsVisible(True)  # a greyed action says why
        menu.addSection(self.tr("Selected participant"))
        menu.addAction(self.casebook_action)
        menu.addAction(self.checklist_action)
        menu.addSection(self.tr("Study"))
        menu.addAction(self.blank_crfs_action)
        menu.addAction(self.casebooks_action)
        menu.addAction(self.blank_checklist_action)

    def apply_roles(self) -> None:
        ctx, summary, participant = self._ctx(), self._summary(), self._panel.current_code()
        study = summary.code if summary else None
        has_crf = summary is not None and summary.definition.crf is not None
        no_crf = self.tr("The study file of {study} has no case report forms.").format(study=study)
        no_one = self.tr("Select a participant in the list first.")
        permit(self.casebook_action, ctx, Permission.READ, study, possible=participant is not None and has_crf,
               why_not=no_crf if participant else no_one)
        permit(self.checklist_action, ctx, Permission.READ, study, possible=participant is not None, why_not=no_one)
        for action in (self.blank_crfs_action, self.casebooks_action):
            permit(action, ctx, Permission.READ, study, possible=has_crf, why_not=no_crf)
        permit(self.blank_checklist_action, ctx, Permission.READ, study, possible=summary is not None)

    def print_casebook(self) -> DocumentPrintDialog | None:
        code = self._panel.current_code()
        return print_document(self._window, casebook(self._ctx(), code)) if code else None

    def print_checklist(self) -> DocumentPrintDialog | None:
        code = self._panel.current_code()
        return print_document(self._window, consent_checklist(self._ctx(), code)) if code else None

    def print_blank_crfs(self) -> DocumentPrintDialog | None:
        summary = self._summary()
        return print_document(self._window, blank_crfs(self._ctx(), summary.code)) if summary else None

    def print_blank_checklist(self) -> DocumentPrintDialog | None:
        summary = self._summary()
        return print_document(self._window, blank_consent_checklist(self._ctx(), summary.code)) if summary else None

    def print_casebooks(self) -> CasebooksDialog | None:
        """The batch dialog, starting from the filters the participant list shows."""
        summary = self._summary()
        if summary is None:
            return None
        shown = self._panel.model.query
        initial = Selection(summary.code, shown.arm, shown.site, shown.status)
        return _opened(CasebooksDialog(self._ctx(), summary.code, summary.definition, initial, self._window))


def participant_print_menu(page: QWidget, ctx: Context, code: str, study: str) -> QMenu:
    """The Print button's menu on a participant's page: the casebook (when the study has CRFs) and the consent
    checklist."""
    menu = QMenu(page)
    menu.setToolTipsVisible(True)
    casebook_action = menu.addAction(_tr("Print &casebook…"))
    casebook_action.triggered.connect(lambda: print_document(page, casebook(ctx, code)))
    checklist_action = menu.addAction(_tr("Consent check&list…"))
    checklist_action.triggered.connect(lambda: print_document(page, consent_checklist(ctx, code)))

    def check() -> None:
        permit(casebook_action, ctx, Permission.READ, study,
               possible=catalogue.current(ctx, study).definition.crf is not None,
               why_not=_tr("The study file of {study} has no case report forms.").format(study=study))

    menu.aboutToShow.connect(check)
    return menu
