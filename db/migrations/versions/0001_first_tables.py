"""The first tables: scores and rounds in progress, as the first release of Hi-Lo made them.

Revision ID: 0001
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'score',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('player_id', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=24), nullable=False),
        sa.Column('max_number', sa.Integer(), nullable=False),
        sa.Column('guesses', sa.Integer(), nullable=False),
        sa.Column('time_ms', sa.Integer(), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_score_player', 'score', ['player_id', 'max_number', 'guesses', 'time_ms', 'id'])
    op.create_index('ix_score_board', 'score', ['max_number', 'guesses', 'time_ms', 'id'])
    op.create_table(
        'active_round',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('player_id', sa.String(length=64), nullable=False),
        sa.Column('max_number', sa.Integer(), nullable=False),
        sa.Column('secret', sa.Integer(), nullable=False),
        sa.Column('guesses', sa.String(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_active_round_player', 'active_round', ['player_id', 'max_number'], unique=True)


def downgrade() -> None:
    op.drop_table('active_round')
    op.drop_table('score')
