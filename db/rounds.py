"""Queries for rounds in progress: start or resume one, and store each counted guess.

Both are changes, so they go through the writer (db/writer.py), which makes the changes of many players in one
transaction.
"""
from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

import game

from .models import ACTIVE_ROUND_TABLE as _ROUNDS
from .models import ActiveRound, UtcDateTime, guesses_to_text, utc_now
from .writer import Writer, nothing


async def resume_or_start_round(*, player_id: str, max_number: int) -> ActiveRound:
    """The player's open round for this range; a new one with a fresh secret if there is none."""
    # Queued after any guess made just before a reload, so the round comes back with it.
    return await writer().queue(_resume_or_start, (player_id, max_number), awaited=True)


def store_guesses(*, round_id: int, before: list[int], after: list[int],
                  answered_at: datetime) -> asyncio.Future[bool]:
    """Queue the guesses of a round to be stored, if nobody changed them since ``before`` was read.

    Returns at once, with a future that becomes ``True`` once they are stored, or ``False`` (and nothing changes)
    when the round was won or guessed in another tab meanwhile: the caller should then reload the round instead of
    overwriting what the other tab did. ``answered_at`` is when the newest guess was answered: a round's clock
    starts at its first guess. Guesses are stored at most ``BATCH_DELAY`` seconds (db/writer.py) after they come.
    """
    return writer().queue(_store_guesses, {'round_id': round_id, 'before': guesses_to_text(before),
                                           'after': guesses_to_text(after), 'answered_at': answered_at})


async def save_guesses(*, round_id: int, before: list[int], after: list[int], answered_at: datetime) -> bool:
    """Store the guesses of a round and wait until they are stored; see :func:`store_guesses`."""
    return await store_guesses(round_id=round_id, before=before, after=after, answered_at=answered_at)


async def written() -> None:
    """Wait until every change queued so far is stored (or refused)."""
    if writer().busy:
        await writer().queue(nothing, None)


def writer() -> Writer:
    """The writer that makes the game's changes (one per start of the database)."""
    return _writer


def start_writer() -> None:
    """Get ready to store changes (``db.start`` calls this)."""
    global _writer  # noqa: PLW0603  (one writer per start of the database)
    _writer = Writer()


# One statement for many guesses, which the database runs once per row ("executemany"). The guard on the old
# guesses makes a stale tab's write change nothing. The first guess's time is kept: COALESCE leaves a time that is
# already there alone.
_GUARDED_UPDATE = update(_ROUNDS) \
    .where(_ROUNDS.c.id == bindparam('round_id'), _ROUNDS.c.guesses == bindparam('before')) \
    .values(guesses=bindparam('after'),
            first_guess_at=func.coalesce(_ROUNDS.c.first_guess_at, bindparam('answered_at', type_=UtcDateTime())))


def _store_guesses(connection: Connection, rows: Sequence[dict[str, Any]]) -> list[bool]:
    result = connection.execute(_GUARDED_UPDATE, list(rows))
    if result.rowcount == len(rows):
        return [True] * len(rows)
    # Some rounds had changed (another tab, or a win): find out which writes were refused.
    ids = {row['round_id'] for row in rows}
    stored: dict[int, str] = dict(connection.execute(select(_ROUNDS.c.id, _ROUNDS.c.guesses)
                                                     .where(_ROUNDS.c.id.in_(ids))).all())
    return [stored.get(row['round_id']) == row['after'] for row in rows]


def _resume_or_start(connection: Connection, requests: Sequence[tuple[str, int]]) -> list[ActiveRound]:
    rounds = []
    for player_id, max_number in requests:
        found = _open_round(connection, player_id=player_id, max_number=max_number)
        if found is None:
            # ON CONFLICT DO NOTHING: if another server started this very round a moment ago, keep that one.
            insert = (postgresql.insert if connection.dialect.name == 'postgresql' else sqlite.insert)(_ROUNDS)
            started = insert.values(player_id=player_id, max_number=max_number, guesses='',
                                    secret=game.draw_secret(max_number), started_at=utc_now()) \
                .on_conflict_do_nothing(index_elements=['player_id', 'max_number']).returning(*_ROUNDS.c)
            row = connection.execute(started).first()
            found = ActiveRound(**row._mapping) if row is not None else \
                _open_round(connection, player_id=player_id, max_number=max_number)
        assert found is not None
        rounds.append(found)
    return rounds


def _open_round(connection: Connection, *, player_id: str, max_number: int) -> ActiveRound | None:
    statement = select(_ROUNDS).where(_ROUNDS.c.player_id == player_id, _ROUNDS.c.max_number == max_number)
    row = connection.execute(statement).first()
    return None if row is None else ActiveRound(**row._mapping)


_writer = Writer()
