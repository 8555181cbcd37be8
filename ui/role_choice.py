"""Choosing roles in the account forms: a role, the study it is held on (or every study), and what the role allows,
said from the same table the services check (coordinator.security.permissions), so the words never drift."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLabel, QWidget

from coordinator.i18n import _
from coordinator.security.permissions import GLOBAL_ROLES, ROLE_NAMES, ROLE_PERMISSIONS, Permission, Role
from coordinator.studies.catalogue import StudySummary
from ui.forms import value_label
from ui.sign_in_forms import HINT_STYLE
from ui.users_model import study_text


def role_abilities(role: Role) -> str:
    """"may read, record study data, back up": the role's permissions in the order the program lists them."""
    allowed = ", ".join(_(permission.value) for permission in Permission if permission in ROLE_PERMISSIONS[role])
    return QCoreApplication.translate("role_choice", "may {actions}").format(actions=allowed)


def abilities_label() -> QLabel:
    label = value_label()
    label.setStyleSheet(HINT_STYLE)
    return label


def study_combo(studies: list[StudySummary]) -> QComboBox:
    """Every study first (None), then each study by code, its title in the tooltip."""
    combo = QComboBox()
    combo.addItem(study_text(None), None)
    for summary in studies:
        combo.addItem(summary.code, summary.code)
        combo.setItemData(combo.count() - 1, summary.title, Qt.ItemDataRole.ToolTipRole)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def hold_on_every_study(role: Role | None, studies: QComboBox) -> None:
    """A role held on every study or not at all (administrator): its study is every study, not to be chosen."""
    if role in GLOBAL_ROLES:
        studies.setCurrentIndex(0)
    studies.setEnabled(role is not None and role not in GLOBAL_ROLES)


class RolePicker(QWidget):
    """One line per role: ticked, the role is given on the study chosen beside it (every study by default)."""

    def __init__(self, studies: list[StudySummary], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.boxes: dict[Role, QCheckBox] = {}
        self.studies: dict[Role, QComboBox] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        for row, role in enumerate(Role):
            box = QCheckBox(ROLE_NAMES[role])
            combo = study_combo(studies)
            combo.setEnabled(False)
            box.toggled.connect(lambda on, role=role, combo=combo: hold_on_every_study(role if on else None, combo))
            abilities = abilities_label()
            abilities.setText(role_abilities(role))
            grid.addWidget(box, row, 0)
            grid.addWidget(combo, row, 1)
            grid.addWidget(abilities, row, 2)
            self.boxes[role] = box
            self.studies[role] = combo
        grid.setColumnStretch(2, 1)
        self.setFocusProxy(next(iter(self.boxes.values())))  # a message about the roles puts the cursor here

    def chosen(self) -> list[tuple[str, str | None]]:
        """The ticked roles with their study (None: every study), as accounts.add_user takes them."""
        return [(role.value, self.studies[role].currentData()) for role, box in self.boxes.items() if box.isChecked()]
