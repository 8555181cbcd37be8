"""The child process of bench/startup.py: `startup_child.py bare|stack|real [DATABASE]`.

Prints "imported" once its imports are done and "ready" once its window is usable, then closes the window.
It imports nothing else at the top: the bare start must stay bare.
"""

from __future__ import annotations

import os
import sys


def child(kind: str, database: str | None) -> int:
    if kind == "stack":  # the libraries the program cannot start without, and no program code
        import pydantic  # noqa: F401
        import sqlalchemy  # noqa: F401
        import sqlmodel  # noqa: F401
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    if kind == "real":
        from ui.app import run_app
    print("imported", flush=True)
    app = QApplication(["coordinator"])  # run_app takes this instance, as it would its own

    class Ready(QObject):
        """Watches every paint; the first one that shows what "usable" means ends the start."""

        signing_in = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
            if event.type() != QEvent.Type.Paint:
                return False
            if kind == "real" and not self.signing_in and type(watched).__name__ == "SignInDialog":
                self.signing_in = True
                print("sign-in shown", flush=True)
                QTimer.singleShot(0, lambda: self.sign_in(watched))  # as the user would type, once it is painted
            elif self.usable(watched):
                app.removeEventFilter(self)
                QTimer.singleShot(0, self.done)  # once this paint has finished
            return False

        @staticmethod
        def sign_in(dialog: QObject) -> None:
            dialog.user_id.setText(os.environ["COORDINATOR_USER"])
            dialog.password.setText(os.environ["COORDINATOR_PASSWORD"])
            print("signing in", flush=True)
            dialog.sign_in_button.click()

        @staticmethod
        def usable(watched: QObject) -> bool:
            if kind != "real":
                return isinstance(watched, QMainWindow)
            table = watched.parent()
            return isinstance(table, QTableView) and watched is table.viewport() and table.model().rowCount() > 0

        @staticmethod
        def done() -> None:
            print("ready", flush=True)
            app.closeAllWindows()

    ready = Ready()
    app.installEventFilter(ready)
    if kind == "real":
        return run_app(["--db", database])
    window = QMainWindow()
    window.resize(1280, 800)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(child(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
