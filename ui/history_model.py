"""A participant's audit history as a table: when (local time), who, what, field, old, new, reason."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt

from coordinator.audit.history import AuditLine
from ui.formats import show_utc_stamp
from ui.tables import Index, NamedColumnsModel

COLUMNS = ("when", "who", "what", "field", "old", "new", "reason")
HIDDEN_FIELDS = frozenset({"search_name"})  # the folded names used by search: the names themselves are shown


class HistoryModel(NamedColumnsModel):
    """Holds the lines in memory: one participant's history is short, unlike the register."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent)
        self._lines: list[AuditLine] = []
        self.titles = {
            "when": self.tr("When"), "who": self.tr("Who"), "what": self.tr("What"), "field": self.tr("Field"),
            "old": self.tr("Old value"), "new": self.tr("New value"), "reason": self.tr("Reason"),
        }
        self._actions = {"insert": self.tr("{table} created"), "update": self.tr("{table} changed"),
                         "event": self.tr("{table} event")}
        self._tables = {"participant": self.tr("Participant"), "identity": self.tr("Identity"),
                        "contact": self.tr("Contact"), "database": self.tr("Database"),
                        "consent_signature": self.tr("Consent signature"),
                        "consent_signer": self.tr("Consent signer"),
                        "consent_withdrawal": self.tr("Consent withdrawal"),
                        "screening_value": self.tr("Screening value"),
                        "eligibility_confirmation": self.tr("Eligibility confirmation"),
                        "allocation": self.tr("Allocation"), "risk_assessment": self.tr("Risk group"),
                        "sample": self.tr("Sample"), "sample_event": self.tr("Sample custody event"),
                        "shipment": self.tr("Shipment"), "storage_unit": self.tr("Storage")}
        self._fields = {
            "code": self.tr("Code"), "site_number": self.tr("Site"), "sequence": self.tr("Sequence"),
            "status": self.tr("Status"), "status_date": self.tr("Status date"), "arm_code": self.tr("Arm"),
            "registered_on": self.tr("Registered on"), "enrolled_on": self.tr("Enrolled on"),
            "ended_on": self.tr("Ended on"), "first_name": self.tr("First name"), "last_name": self.tr("Last name"),
            "birth_date": self.tr("Birth date"), "sex": self.tr("Sex"), "role": self.tr("Role"),
            "name": self.tr("Name"), "relationship": self.tr("Relationship"), "phone": self.tr("Phone"),
            "email": self.tr("Email"), "episode": self.tr("Consent episode"), "signer_id": self.tr("Signer"),
            "signed_on": self.tr("Signed on"), "signed_time": self.tr("Signed at"), "document": self.tr("Document"),
            "document_version": self.tr("Document version"), "obtained_by": self.tr("Obtained by"),
            "witness_id": self.tr("Witness"), "assent": self.tr("Assent"), "exception": self.tr("One-holder exception"),
            "exception_detail": self.tr("Exception documented by"), "withdrawn_on": self.tr("Withdrawn on"),
            "by_role": self.tr("Withdrawn by"), "stop_follow_up": self.tr("Stop follow-up"),
            "stop_data_use": self.tr("Stop use of data"), "destroy_samples": self.tr("Destroy samples"),
            "item": self.tr("Item"), "value": self.tr("Value"), "unit": self.tr("Unit"),
            "uln": self.tr("Upper limit of normal"), "measured_on": self.tr("Measured on"),
            "source": self.tr("Source"), "recorded_on": self.tr("Recorded on"), "verdict": self.tr("Verdict"),
            "criteria_not_met": self.tr("Criteria not met"), "confirmed_at": self.tr("Confirmed at"),
            "confirmed_by": self.tr("Confirmed by"), "study_version": self.tr("Study version"),
            "inputs_sha256": self.tr("Values fingerprint"), "revealed_at": self.tr("Revealed at"),
            "revealed_by": self.tr("Revealed by"), "risk_group": self.tr("Risk group"),
            "rule_version": self.tr("Rule version"), "inputs": self.tr("Values used"),
            "computed_at": self.tr("Computed at"),
            "level": self.tr("Level"), "origin": self.tr("Origin"), "type_id": self.tr("Sample type"),
            "timepoint": self.tr("Timepoint"), "collected_at": self.tr("Collected at"),
            "collected_by": self.tr("Collected by"), "volume": self.tr("Volume"), "taken": self.tr("Taken from parent"),
            "total_cells": self.tr("Total cells"), "marker_cells": self.tr("Marker-positive cells"),
            "recipient_weight_kg": self.tr("Recipient weight (kg)"), "notes": self.tr("Notes"),
            "position": self.tr("Position"), "event": self.tr("Event"), "at": self.tr("At"),
            "by": self.tr("Recorded by"), "location": self.tr("Location"), "destination": self.tr("Destination"),
            "reason": self.tr("Reason"), "note": self.tr("Note"), "number": self.tr("Number"),
            "shipped_at": self.tr("Shipped at"), "shipped_by": self.tr("Shipped by"),
        }

    def set_lines(self, lines: list[AuditLine]) -> None:
        self.beginResetModel()
        self._lines = [line for line in lines
                       if line.field not in HIDDEN_FIELDS and not (line.field or "").endswith("_id")]
        self.endResetModel()

    def row_total(self) -> int:
        return len(self._lines)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        line = self._lines[index.row()]
        column = COLUMNS[index.column()]
        if column == "field" and line.field:
            # the coordinator's word on screen, the stored column name in the tooltip (what an auditor greps for)
            return line.field if role == Qt.ItemDataRole.ToolTipRole else self._fields.get(line.field, line.field)
        if column == "when":
            return show_utc_stamp(line.at_utc)
        if column == "what":
            table = self._tables.get(line.table, line.table)
            if line.item:
                table = f"{table} {line.item}"
            return self._actions.get(line.action, "{table}").format(table=table)
        values = {"who": line.actor, "field": None, "old": line.old, "new": line.new, "reason": line.reason}
        return values[column] or ""
