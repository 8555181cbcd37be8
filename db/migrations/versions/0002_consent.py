"""consent signatures and withdrawals

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 16:24:26.550352

Consent signatures and withdrawals, one row each; signer names in their own identity-side table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

def upgrade() -> None:
    op.create_table('consent_signer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('relationship', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consent_signer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_signer_participant_id'), ['participant_id'], unique=False)

    op.create_table('consent_withdrawal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('episode', sa.Integer(), nullable=False),
    sa.Column('withdrawn_on', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('by_role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('stop_follow_up', sa.Boolean(), nullable=False),
    sa.Column('stop_data_use', sa.Boolean(), nullable=False),
    sa.Column('destroy_samples', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consent_withdrawal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_withdrawal_participant_id'), ['participant_id'], unique=False)

    op.create_table('consent_signature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('episode', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('signer_id', sa.Integer(), nullable=False),
    sa.Column('signed_on', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('signed_time', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
    sa.Column('document', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('document_version', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('obtained_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('witness_id', sa.Integer(), nullable=True),
    sa.Column('assent', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('exception', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('exception_detail', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.ForeignKeyConstraint(['signer_id'], ['consent_signer.id'], ),
    sa.ForeignKeyConstraint(['witness_id'], ['consent_signer.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consent_signature', schema=None) as batch_op:
        batch_op.create_index('ix_consent_signature_participant', ['participant_id', 'episode'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('consent_signature', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_signature_participant')

    op.drop_table('consent_signature')
    with op.batch_alter_table('consent_withdrawal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_withdrawal_participant_id'))

    op.drop_table('consent_withdrawal')
    with op.batch_alter_table('consent_signer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_signer_participant_id'))

    op.drop_table('consent_signer')
