"""File > Back up… and Restore…: files chosen in the usual dialogs, the copying done in the database thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QStandardPaths, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from coordinator import backup
from coordinator.workspace import Workspace, open_workspace
from ui import messages
from ui.tasks import run_task

FOLDER_KEY = "backup/folder"
STATUS_MESSAGE_MS = 15_000


class BackupActions(QObject):
    """The two menu actions and what they do.

    Signals:
        restored(object): the database was replaced; carries the reopened Workspace to show.
    """

    restored = Signal(object)

    def __init__(self, window: QMainWindow, workspace: Callable[[], Workspace]) -> None:
        super().__init__(window)
        self._window = window
        self._workspace = workspace
        self.back_up_action = QAction(self.tr("&Back up…"), window)
        self.back_up_action.setStatusTip(self.tr("Copy the database to a file of your choice, verified"))
        self.back_up_action.triggered.connect(self.back_up)
        self.restore_action = QAction(self.tr("&Restore…"), window)
        self.restore_action.setStatusTip(self.tr("Replace the database with a backup"))
        self.restore_action.triggered.connect(self.restore)

    def _filter(self) -> str:
        return self.tr("Study Coordinator backups (*.sqlite3 *.db);;All files (*)")

    def _folder(self) -> str:
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return str(QSettings().value(FOLDER_KEY, documents))

    def back_up(self) -> None:
        ctx = self._workspace().ctx
        name = f"coordinator-backup-{ctx.today().isoformat()}.sqlite3"
        chosen, _filter = QFileDialog.getSaveFileName(self._window, self.tr("Back up the database"),
                                                      str(Path(self._folder()) / name), self._filter())
        if not chosen:
            return
        QSettings().setValue(FOLDER_KEY, str(Path(chosen).parent))
        run_task(self._window, self.tr("Writing and verifying the backup…"),
                 lambda: backup.back_up(ctx, Path(chosen)), self._backed_up)

    def _backed_up(self, target: Path) -> None:
        self._window.statusBar().showMessage(
            self.tr("Backup written and verified: {path}").format(path=target), STATUS_MESSAGE_MS)

    def restore(self) -> None:
        workspace = self._workspace()
        chosen, _filter = QFileDialog.getOpenFileName(self._window, self.tr("Restore a backup"), self._folder(),
                                                      self._filter())
        if not chosen:
            return
        answer = QMessageBox.question(
            self._window, self.tr("Restore a backup"),
            self.tr("Replace all the data in this database with the content of {file}?\n\n"
                    "The current content is first kept as a safety copy.").format(file=Path(chosen).name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        ctx = workspace.ctx

        def work() -> tuple[backup.Restored, Workspace]:
            restored = backup.restore(ctx, Path(chosen))
            reopened = open_workspace(ctx.url, clock=ctx.clock)
            reopened.ctx.user = ctx.user  # still signed in; each write re-reads the account in the restored data
            return restored, reopened

        self._set_busy(True)
        run_task(self._window, self.tr("Restoring the backup…"), work, self._restored, self._restore_failed)

    def _restored(self, result: tuple[backup.Restored, Workspace]) -> None:
        restored, workspace = result
        self._set_busy(False)
        self.restored.emit(workspace)
        self._window.statusBar().showMessage(
            self.tr("Restored from {source}. The previous content is kept in {safety}.").format(
                source=restored.source, safety=restored.safety_copy), STATUS_MESSAGE_MS)
        if restored.note:  # the restoring user has no account in the restored data: said once, not only in passing
            box = QMessageBox(QMessageBox.Icon.Information, self.tr("Restore a backup"), restored.note,
                              QMessageBox.StandardButton.Ok, self._window)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

    def _restore_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        messages.report(error, self._window)

    def _set_busy(self, busy: bool) -> None:
        """While the database is being replaced nothing may read or write it from the window (shortcuts too)."""
        self._window.setEnabled(not busy)
