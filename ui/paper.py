"""The paper documents are printed on: A4, or US Letter in North America. The choice is remembered, and until the
user makes one it follows the locale, as a site's printers do."""

from __future__ import annotations

from PySide6.QtCore import QLocale, QSettings
from PySide6.QtGui import QPageSize
from PySide6.QtWidgets import QComboBox, QWidget

PAPER_KEY = "documents/paper"
A4, LETTER = "a4", "letter"  # the names coordinator.documents.pdf.paper_size takes
LETTER_TERRITORIES = frozenset({QLocale.Country.UnitedStates, QLocale.Country.Canada})
PAGE_SIZES = {A4: QPageSize.PageSizeId.A4, LETTER: QPageSize.PageSizeId.Letter}


def locale_paper(locale: QLocale | None = None) -> str:
    """Letter where the locale's country prints on it (United States, Canada), A4 everywhere else."""
    territory = (locale or QLocale()).territory()
    return LETTER if territory in LETTER_TERRITORIES else A4


def remembered_paper() -> str:
    """The paper chosen last time, or the locale's until the user has chosen."""
    chosen = QSettings().value(PAPER_KEY)
    return chosen if chosen in PAGE_SIZES else locale_paper()


def remember_paper(paper: str) -> None:
    QSettings().setValue(PAPER_KEY, paper)


def page_size(paper: str) -> QPageSize:
    return QPageSize(PAGE_SIZES[paper])


class PaperChoice(QComboBox):
    """A4 or US Letter, starting at the remembered paper; `paper` is the name the documents take."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.addItem(self.tr("A4 (210 × 297 mm)"), A4)
        self.addItem(self.tr("US Letter (8.5 × 11 in)"), LETTER)
        self.setCurrentIndex(self.findData(remembered_paper()))

    @property
    def paper(self) -> str:
        return str(self.currentData())

    def remember(self) -> None:
        """Keep the choice for next time (once something was printed on it)."""
        remember_paper(self.paper)
