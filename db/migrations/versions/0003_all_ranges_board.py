"""The all-ranges board: each score's efficiency, and each player's best score across all ranges.

- ``score.efficiency`` is par ÷ guesses, which compares games of different ranges (1.0 is on par, more is better).
  It is filled in here for every score already stored.
- ``score.is_best_overall`` marks each player's best score across all ranges: the highest efficiency, then the
  shortest time, then the earliest. It is always one of the player's range bests (``is_best``).
- Two partial indexes, on those marked rows only: the board in its order, and one mark per player.

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

SQLITE_OVERALL_ONLY, POSTGRES_OVERALL_ONLY = sa.text('is_best_overall = 1'), sa.text('is_best_overall')
SCORE = sa.table('score', sa.column('max_number', sa.Integer()), sa.column('guesses', sa.Integer()),
                 sa.column('efficiency', sa.Float()))


def upgrade() -> None:
    op.add_column('score', sa.Column('efficiency', sa.Float(), nullable=True))
    op.add_column('score', sa.Column('is_best_overall', sa.Boolean(), nullable=False, server_default=sa.false()))
    # Efficiency is par ÷ guesses, par being the bits of the range's highest number (game.par). It is worked out in
    # Python, exactly as the game does for new scores, once for each (range, guesses) pair that is stored: there are
    # few of those, however many scores there are. (This file keeps its own copy of the rule: a migration must do
    # the same thing in every later version of the game.)
    connection = op.get_bind()
    pairs = connection.execute(sa.select(SCORE.c.max_number, SCORE.c.guesses).distinct()).all()
    if pairs:
        connection.execute(
            sa.update(SCORE).where(SCORE.c.max_number == sa.bindparam('range'), SCORE.c.guesses == sa.bindparam('n'))
            .values(efficiency=sa.bindparam('value')),
            [{'range': max_number, 'n': guesses, 'value': max_number.bit_length() / guesses}
             for max_number, guesses in pairs if guesses > 0])
    # Mark every player's best across ranges: the first of their range bests in the all-ranges board's order.
    op.execute("""
        UPDATE score SET is_best_overall = TRUE WHERE id IN (
            SELECT id FROM (
                SELECT id, ROW_NUMBER() OVER (PARTITION BY player_id ORDER BY efficiency DESC, time_ms, id) AS n
                FROM score WHERE is_best AND efficiency IS NOT NULL) AS ranked
            WHERE n = 1)
    """)
    op.create_index('ix_score_overall', 'score', [sa.text('efficiency DESC'), 'time_ms', 'id'],
                    sqlite_where=SQLITE_OVERALL_ONLY, postgresql_where=POSTGRES_OVERALL_ONLY)
    op.create_index('ix_score_best_overall', 'score', ['player_id'], unique=True,
                    sqlite_where=SQLITE_OVERALL_ONLY, postgresql_where=POSTGRES_OVERALL_ONLY)


def downgrade() -> None:
    op.drop_index('ix_score_best_overall', table_name='score')
    op.drop_index('ix_score_overall', table_name='score')
    with op.batch_alter_table('score') as batch:
        batch.drop_column('is_best_overall')
        batch.drop_column('efficiency')
