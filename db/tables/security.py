"""User accounts, their roles per study, electronic signatures and the security settings (21 CFR 11.10, 11.50)."""

from sqlmodel import Field, Index, SQLModel


class UserAccount(SQLModel, table=True):
    """One person. The login is the key and is never reused: an account is deactivated, never deleted."""

    __tablename__ = "user_account"

    login: str = Field(primary_key=True, max_length=40)
    full_name: str = Field(max_length=120)
    password_hash: str = Field(sa_column_kwargs={"info": {"secret": True}})  # never copied into the audit trail
    must_change_password: bool = True  # set at creation and by an administrator's reset
    active: bool = True
    failed_attempts: int = 0
    locked_until: str | None = None  # UTC ISO time; sign-in is refused before it
    created_at: str
    password_changed_at: str


class RoleGrant(SQLModel, table=True):
    """A role held by a user, on one study or (study_code None) on every study; revoked, never deleted."""

    __tablename__ = "role_grant"
    __table_args__ = (Index("ix_role_grant_login", "login"),)

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(foreign_key="user_account.login", max_length=40)
    role: str = Field(max_length=20)
    study_code: str | None = Field(default=None, max_length=40)
    granted_at: str
    granted_by: str
    revoked_at: str | None = None
    revoked_by: str | None = None


class Signature(SQLModel, table=True):
    """An electronic signature: who (login and printed name), when, what it means and a hash of what was signed."""

    __tablename__ = "signature"
    __table_args__ = (Index("ix_signature_record", "record_kind", "record_id"),)

    id: int | None = Field(default=None, primary_key=True)
    record_kind: str = Field(max_length=30)  # eligibility, consent, casebook
    record_id: str
    study_code: str | None = None
    subject_code: str | None = None
    signer: str = Field(foreign_key="user_account.login", max_length=40)
    printed_name: str
    meaning: str = Field(max_length=20)  # authorship, review, approval, responsibility
    signed_at: str
    content_sha256: str = Field(max_length=64)


class AuditSeal(SQLModel, table=True):
    """The one row naming the last audit row and its digest, under a key kept outside the database (`mac`, see
    db/audit_chain.py): a tail cut off the trail no longer matches it, nor does a seal rewritten to hide that."""

    __tablename__ = "audit_seal"

    id: int = Field(default=1, primary_key=True)
    last_id: int = 0
    last_hash: str = Field(max_length=64)
    mac: str | None = Field(default=None, max_length=64)  # None until the program first opens a migrated file


class Setting(SQLModel, table=True):
    """A site setting (sign-in lockout, idle lock), changed by an administrator and audited."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=40)
    value: str
