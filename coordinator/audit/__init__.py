"""The audit trail: every change to study or identity data is recorded with who, when, old, new and why."""
