"""eligibility and assignment

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 17:46:48.208425

Screening values and eligibility confirmations; sealed allocation lists whose arms and order the database
refuses to change and whose allocations are used once; risk groups with the version of their rules.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from db.triggers import refuse


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('allocation_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('seed', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('ratio', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('block_sizes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('strata', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('list_length', sa.Integer(), nullable=False),
    sa.Column('generated_at', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('generated_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('list_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['study_id'], ['study.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('study_id')
    )
    op.create_table('allocation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('stratum', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('block', sa.Integer(), nullable=False),
    sa.Column('block_size', sa.Integer(), nullable=False),
    sa.Column('arm_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('revealed_at', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('revealed_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['list_id'], ['allocation_list.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('participant_id')
    )
    with op.batch_alter_table('allocation', schema=None) as batch_op:
        batch_op.create_index('ix_allocation_stratum_sequence', ['list_id', 'stratum', 'sequence'], unique=True)

    op.create_table('eligibility_confirmation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('confirmed_at', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('confirmed_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('verdict', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('criteria_not_met', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('study_version', sa.Integer(), nullable=False),
    sa.Column('inputs_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('eligibility_confirmation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eligibility_confirmation_participant_id'), ['participant_id'], unique=False)

    op.create_table('risk_assessment',
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('risk_group', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('rule_version', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('inputs', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('computed_at', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('participant_id')
    )
    op.create_table('screening_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('item', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('uln', sa.Float(), nullable=True),
    sa.Column('measured_on', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('recorded_on', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('participant_id', 'item')
    )

    refuse("eligibility_confirmation", ("UPDATE", "DELETE"), "eligibility confirmations are never changed")
    refuse("screening_value", ("DELETE",), "screening values are corrected, never deleted")
    refuse("allocation_list", ("UPDATE", "DELETE"), "an allocation list is sealed")
    refuse("allocation", ("DELETE",), "an allocation list is sealed")
    refuse("allocation", ("UPDATE",), "an allocation list is sealed", name="allocation_sealed",
           columns=("list_id", "stratum", "sequence", "block", "block_size", "arm_code"))
    refuse("allocation", ("UPDATE",), "an allocation is used only once", name="allocation_used_once",
           columns=("participant_id", "revealed_at", "revealed_by"), when="OLD.participant_id IS NOT NULL")


def downgrade() -> None:
    op.drop_table('screening_value')
    op.drop_table('risk_assessment')
    with op.batch_alter_table('eligibility_confirmation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eligibility_confirmation_participant_id'))

    op.drop_table('eligibility_confirmation')
    with op.batch_alter_table('allocation', schema=None) as batch_op:
        batch_op.drop_index('ix_allocation_stratum_sequence')

    op.drop_table('allocation')
    op.drop_table('allocation_list')
