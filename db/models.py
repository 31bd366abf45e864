"""Every table Hi-Lo stores, in one place.

SQLModel classes are both Python classes and table definitions: ``Score(name='Ann', ...)`` is an object in Python
and a row in the database. Times are stored in UTC. A change to a table here also needs a migration in
``db/migrations/versions/`` (see the README, "The database over time"), so that existing databases follow.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, TypeDecorator, false, text
from sqlalchemy.orm import configure_mappers
from sqlmodel import Field, Index, SQLModel

import game


class UtcDateTime(TypeDecorator[datetime]):
    """A moment, in UTC: PostgreSQL stores it with its zone (TIMESTAMPTZ); SQLite stores text without the zone, so
    the zone is put back when it is read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


# "Only the rows of best scores", as each database words the condition of a partial index. It must read exactly like
# the condition SQLAlchemy writes in queries (`WHERE ... is_best = 1` on SQLite), or SQLite does not use the index.
SQLITE_BEST_ONLY, POSTGRES_BEST_ONLY = text('is_best = 1'), text('is_best')


class Score(SQLModel, table=True):
    """One won round. A player's best score in a range is marked ``is_best``: that is their row on the board."""

    # A board is "WHERE max_number = ? AND is_best ORDER BY guesses, time_ms, id LIMIT 10". The first index holds
    # exactly those rows in exactly that order (a partial index: only best scores are in it), so the database reads
    # ten entries and stops, however many scores there are. The id breaks the last ties: ids are handed out in the
    # order wins are recorded, so the first to finish wins. The second index keeps one best per player and range.
    # AUTOINCREMENT makes SQLite promise that ids only grow, even if rows are deleted.
    __table_args__ = (
        Index('ix_score_board', 'max_number', 'guesses', 'time_ms', 'id',
              sqlite_where=SQLITE_BEST_ONLY, postgresql_where=POSTGRES_BEST_ONLY),
        Index('ix_score_best', 'player_id', 'max_number', unique=True,
              sqlite_where=SQLITE_BEST_ONLY, postgresql_where=POSTGRES_BEST_ONLY),
        {'sqlite_autoincrement': True},
    )

    id: int | None = Field(default=None, primary_key=True)
    player_id: str = Field(max_length=64)
    name: str = Field(max_length=game.NAME_LENGTH)
    max_number: int
    guesses: int  # how many counted guesses the round took
    time_ms: int  # from the first counted guess to the winning one, measured by the server
    finished_at: datetime = Field(sa_type=UtcDateTime())
    # Every counted guess in order, as text ('50 25 37'); the last one is the secret. For replays. None for scores
    # stored before replays existed.
    moves: str | None = Field(default=None)
    is_best: bool = Field(default=False, sa_column_kwargs={'server_default': false()})
    # For the all-ranges board: par ÷ guesses (game.efficiency), which compares games of different ranges, and the
    # mark of each player's best score across all ranges (by efficiency, then time). None for scores put in by other
    # programs (see db/migrations/versions/0003_...): they are on their range's board but not on the all-ranges one.
    efficiency: float | None = Field(default=None)
    is_best_overall: bool = Field(default=False, sa_column_kwargs={'server_default': false()})

    @property
    def order_key(self) -> tuple[int, int, int]:
        """What a board sorts by: fewer guesses, then less time, then who finished first."""
        assert self.id is not None, 'a score gets its id when it is stored'
        return self.guesses, self.time_ms, self.id

    @property
    def moves_list(self) -> list[int] | None:
        """The guesses of the round in order, or ``None`` if they were not stored (older scores)."""
        return None if self.moves is None else guesses_from_text(self.moves)


class ActiveRound(SQLModel, table=True):
    """A round in progress, kept so that a reload or a server restart resumes it.

    A player has at most one open round per range: leaving and coming back resumes it instead of drawing a new
    secret, so nobody can keep redrawing until a lucky first guess. The row is deleted when the round is won, and
    the next round of that range is dealt in the same transaction.
    """

    __tablename__ = 'active_round'
    # AUTOINCREMENT: a new round never gets the id of a won (deleted) one, which a stale tab may still hold.
    __table_args__ = (
        Index('ix_active_round_player', 'player_id', 'max_number', unique=True),
        {'sqlite_autoincrement': True},
    )

    id: int | None = Field(default=None, primary_key=True)
    player_id: str = Field(max_length=64)
    max_number: int
    secret: int
    guesses: str = ''  # the counted guesses in order, as text: '500 250 375'
    started_at: datetime = Field(sa_type=UtcDateTime())  # when the secret was drawn
    # When the first counted guess was answered: the clock of the round starts here, not when the page was opened.
    first_guess_at: datetime | None = Field(default=None, sa_type=UtcDateTime())

    def to_game(self) -> game.Round:
        """The round as the rules module sees it."""
        return game.Round(max_number=self.max_number, secret=self.secret, guesses=guesses_from_text(self.guesses))


# The tables themselves, for statements that change rows without loading objects (db/rounds.py, db/scores.py).
ACTIVE_ROUND_TABLE = ActiveRound.__table__  # type: ignore[attr-defined]  # SQLModel sets it when it makes the table
SCORE_TABLE = Score.__table__  # type: ignore[attr-defined]

# The all-ranges board is "WHERE is_best_overall ORDER BY efficiency DESC, time_ms, id LIMIT 10": like a range's
# board, one index holds exactly those rows in that order (efficiency descending: the most efficient first), so the
# board is ten index entries however many scores there are. The second index keeps one overall best per player.
# They are declared here, below the class, because a descending column needs the column itself, not its name.
Index('ix_score_overall', SCORE_TABLE.c.efficiency.desc(), SCORE_TABLE.c.time_ms, SCORE_TABLE.c.id,
      sqlite_where=text('is_best_overall = 1'), postgresql_where=text('is_best_overall'))
Index('ix_score_best_overall', SCORE_TABLE.c.player_id, unique=True,
      sqlite_where=text('is_best_overall = 1'), postgresql_where=text('is_best_overall'))


def utc_now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A time with its zone: a time without one is taken to be UTC, as every time Hi-Lo stores is."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def guesses_to_text(guesses: list[int]) -> str:
    """``[500, 250]`` -> ``'500 250'``, the form stored in ``ActiveRound.guesses`` and ``Score.moves``."""
    return ' '.join(map(str, guesses))


def guesses_from_text(text: str) -> list[int]:
    """``'500 250'`` -> ``[500, 250]``."""
    return [int(part) for part in text.split()]


# SQLAlchemy finishes setting up the classes' attributes the first time an object is made the usual way. Rows read for
# the boards are made with model_construct (db/scores.py), which skips that: without this, the first board read after
# a restart (before any round was dealt) fails with "'NoneType' object has no attribute 'supports_population'".
configure_mappers()
