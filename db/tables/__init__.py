"""All tables of the application database; importing this module registers them with the metadata."""

from sqlmodel import SQLModel

from db.tables.assignment import Allocation, AllocationList, RiskAssessment
from db.tables.audit import AuditEntry
from db.tables.consent import ConsentSignature, ConsentSigner, ConsentWithdrawal
from db.tables.eligibility import EligibilityConfirmation, ScreeningValue
from db.tables.participant import Contact, Identity, Participant
from db.tables.sample import Sample, SampleEvent, Shipment, StorageUnit
from db.tables.security import AuditSeal, RoleGrant, Setting, Signature, UserAccount
from db.tables.study import Study, StudyVersion

metadata = SQLModel.metadata

__all__ = [
    "Allocation", "AllocationList", "AuditEntry", "AuditSeal", "ConsentSignature", "ConsentSigner",
    "ConsentWithdrawal", "Contact", "EligibilityConfirmation", "Identity", "Participant", "RiskAssessment",
    "RoleGrant", "Sample", "SampleEvent", "ScreeningValue", "Setting", "Shipment", "Signature", "StorageUnit", "Study",
    "StudyVersion", "UserAccount", "metadata",
]
