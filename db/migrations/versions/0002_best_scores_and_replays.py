"""One board row per player, replays, and a clock that starts at the first guess.

- ``score.is_best`` marks each player's best score in a range: the boards show only those rows, and two partial
  indexes (on best scores only) keep a board and a player's best one indexed lookup each.
- ``score.moves`` keeps every guess of a won round in order, for replays. Scores stored before have none (NULL).
- ``active_round.first_guess_at``: a round's time now runs from its first counted guess.

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# Partial indexes hold only best scores; each database words the condition its own way.
SQLITE_BEST_ONLY, POSTGRES_BEST_ONLY = sa.text('is_best = 1'), sa.text('is_best')


def upgrade() -> None:
    op.add_column('score', sa.Column('moves', sa.String(), nullable=True))
    op.add_column('score', sa.Column('is_best', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('active_round', sa.Column('first_guess_at', sa.DateTime(timezone=True), nullable=True))
    # Mark every player's best score in each range: the first in board order among their scores there.
    op.execute("""
        UPDATE score SET is_best = TRUE WHERE id IN (
            SELECT id FROM (
                SELECT id, ROW_NUMBER() OVER (PARTITION BY player_id, max_number ORDER BY guesses, time_ms, id) AS n
                FROM score) AS ranked
            WHERE n = 1)
    """)
    op.drop_index('ix_score_board', table_name='score')
    op.drop_index('ix_score_player', table_name='score')
    op.create_index('ix_score_board', 'score', ['max_number', 'guesses', 'time_ms', 'id'],
                    sqlite_where=SQLITE_BEST_ONLY, postgresql_where=POSTGRES_BEST_ONLY)
    op.create_index('ix_score_best', 'score', ['player_id', 'max_number'], unique=True,
                    sqlite_where=SQLITE_BEST_ONLY, postgresql_where=POSTGRES_BEST_ONLY)


def downgrade() -> None:
    op.drop_index('ix_score_best', table_name='score')
    op.drop_index('ix_score_board', table_name='score')
    op.create_index('ix_score_player', 'score', ['player_id', 'max_number', 'guesses', 'time_ms', 'id'])
    op.create_index('ix_score_board', 'score', ['max_number', 'guesses', 'time_ms', 'id'])
    with op.batch_alter_table('active_round') as batch:
        batch.drop_column('first_guess_at')
    with op.batch_alter_table('score') as batch:
        batch.drop_column('is_best')
        batch.drop_column('moves')
