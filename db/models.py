"""Every table Hi-Lo stores, in one place.

SQLModel classes are both Python classes and table definitions: ``Score(name='Ann', ...)`` is an object in Python
and a row in SQLite. Times are stored in UTC.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Field, Index, SQLModel

import game


class Score(SQLModel, table=True):
    """One won round: a row on the high-score board of its range."""

    # The board of a range is "WHERE max_number = ? ORDER BY guesses, time_ms, id LIMIT 10": this index holds the
    # rows in exactly that order, so SQLite reads ten entries and stops, however many scores there are.
    # The id breaks the last ties: ids are handed out in the order wins are recorded, so the first to finish wins.
    # AUTOINCREMENT makes SQLite promise that ids only grow, even if rows are deleted.
    __table_args__ = (
        Index('ix_score_board', 'max_number', 'guesses', 'time_ms', 'id'),
        Index('ix_score_player', 'player_id', 'max_number', 'guesses', 'time_ms', 'id'),
        {'sqlite_autoincrement': True},
    )

    id: int | None = Field(default=None, primary_key=True)
    player_id: str = Field(max_length=64)
    name: str = Field(max_length=game.NAME_LENGTH)
    max_number: int
    guesses: int
    time_ms: int
    finished_at: datetime

    @property
    def order_key(self) -> tuple[int, int, int]:
        """What a board sorts by: fewer guesses, then less time, then who finished first."""
        assert self.id is not None, 'a score gets its id when it is stored'
        return self.guesses, self.time_ms, self.id


class ActiveRound(SQLModel, table=True):
    """A round in progress, kept so that a reload or a server restart resumes it.

    A player has at most one open round per range: leaving and coming back resumes it instead of drawing a new
    secret, so nobody can keep redrawing until a lucky first guess. The row is deleted when the round is won.
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
    started_at: datetime

    def to_game(self) -> game.Round:
        """The round as the rules module sees it."""
        return game.Round(max_number=self.max_number, secret=self.secret, guesses=guesses_from_text(self.guesses))


# The table itself, for statements that change rows without loading objects (db/rounds.py, db/scores.py).
ACTIVE_ROUND_TABLE = ActiveRound.__table__  # type: ignore[attr-defined]  # SQLModel sets it when it makes the table


def utc_now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def guesses_to_text(guesses: list[int]) -> str:
    """``[500, 250]`` -> ``'500 250'``, the form stored in ``ActiveRound.guesses``."""
    return ' '.join(map(str, guesses))


def guesses_from_text(text: str) -> list[int]:
    """``'500 250'`` -> ``[500, 250]``."""
    return [int(part) for part in text.split()]
