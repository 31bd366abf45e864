"""Queries for rounds in progress: start or resume one, and store each counted guess."""
from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import game

from .engine import session
from .models import ACTIVE_ROUND_TABLE as _ROUNDS
from .models import ActiveRound, UtcDateTime, guesses_to_text, utc_now


async def resume_or_start_round(*, player_id: str, max_number: int) -> ActiveRound:
    """The player's open round for this range; a new one with a fresh secret if there is none."""
    await written()  # a guess made just before a reload may still be on its way to the database
    try:
        async with session() as db_session:  # one write transaction: nobody else can start the round meanwhile
            active = await _open_round(db_session, player_id=player_id, max_number=max_number)
            if active is None:
                active = ActiveRound(player_id=player_id, max_number=max_number,
                                     secret=game.draw_secret(max_number), started_at=utc_now())
                db_session.add(active)
            return active
    except IntegrityError:
        # Only where transactions do not run one at a time (another database, another server): someone started
        # this round a moment ago, so resume that one.
        async with session() as db_session:
            active = await _open_round(db_session, player_id=player_id, max_number=max_number)
            assert active is not None
            return active


def store_guesses(*, round_id: int, before: list[int], after: list[int],
                  answered_at: datetime) -> asyncio.Future[bool]:
    """Queue the guesses of a round to be stored, if nobody changed them since ``before`` was read.

    Returns at once, with a future that becomes ``True`` once they are stored, or ``False`` (and nothing changes)
    when the round was won or guessed in another tab meanwhile: the caller should then reload the round instead of
    overwriting what the other tab did. ``answered_at`` is when the newest guess was answered: a round's clock
    starts at its first guess. Guesses are written in batches, at most :data:`BATCH_DELAY` seconds after they come.
    """
    return _writer.queue({'round_id': round_id, 'before': guesses_to_text(before), 'after': guesses_to_text(after),
                          'answered_at': answered_at})


async def save_guesses(*, round_id: int, before: list[int], after: list[int], answered_at: datetime) -> bool:
    """Store the guesses of a round and wait until they are stored; see :func:`store_guesses`."""
    return await store_guesses(round_id=round_id, before=before, after=after, answered_at=answered_at)


async def written() -> None:
    """Wait until every guess handed to :func:`save_guesses` so far is stored (or refused)."""
    if _writer.busy:
        await _writer.queue(None)


def start_writer() -> None:
    """Get ready to store guesses (``db.start`` calls this)."""
    global _writer  # noqa: PLW0603  (one writer per start of the database)
    _writer = _GuessWriter()


async def _open_round(db_session: AsyncSession, *, player_id: str, max_number: int) -> ActiveRound | None:
    statement = select(ActiveRound).where(ActiveRound.player_id == player_id, ActiveRound.max_number == max_number)
    return (await db_session.exec(statement)).first()


# One statement for a whole batch, which the database runs once per row ("executemany"); it works on the table itself
# (SQLAlchemy Core) because it changes rows, not objects. The guard on the old guesses makes a stale tab's write
# change nothing. The first guess's time is kept: COALESCE leaves a time that is already there alone.
_GUARDED_UPDATE = update(_ROUNDS) \
    .where(_ROUNDS.c.id == bindparam('round_id'), _ROUNDS.c.guesses == bindparam('before')) \
    .values(guesses=bindparam('after'),
            first_guess_at=func.coalesce(_ROUNDS.c.first_guess_at, bindparam('answered_at', type_=UtcDateTime())))


BATCH_DELAY = 0.02  # seconds a guess may wait for others to share its transaction


class _GuessWriter:
    """Writes guesses of many rounds in one transaction ("group commit").

    A transaction costs far more than one more row in it: on this stack about 1 ms of CPU for the first row and
    a few microseconds for each further one. So the writer collects guesses for BATCH_DELAY seconds and writes
    them together; with 1,000 guesses a second that is one transaction for about 20 of them. A player is never
    slowed down by it: a page shows its answer at once, and its next guess comes much later than the write.
    If the server is killed outright, the guesses of the last moment are lost (the round itself is not); a win is
    written before it is announced, and a normal shutdown writes everything (see ``db.stop``).
    """

    def __init__(self) -> None:
        self.waiting: list[tuple[dict[str, Any] | None, asyncio.Future[bool]]] = []
        self.task: asyncio.Task[None] | None = None

    @property
    def busy(self) -> bool:
        """Whether guesses are waiting or being written (the task runs exactly as long as that)."""
        return self.task is not None and not self.task.done()

    def queue(self, row: dict[str, Any] | None) -> asyncio.Future[bool]:
        """Queue a row; the future is done when its batch is written. ``None`` queues nothing but waits all the same."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.waiting.append((row, future))
        if not self.busy:
            self.task = asyncio.create_task(self._write_while_waiting())
        return future

    async def _write_while_waiting(self) -> None:
        while self.waiting:
            await asyncio.sleep(BATCH_DELAY)
            batch, self.waiting = self.waiting, []
            try:
                stored = await _write([row for row, _ in batch if row is not None])
            except Exception as error:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            results = iter(stored)
            for row, future in batch:
                ok = True if row is None else next(results)
                if not future.done():
                    future.set_result(ok)


async def _write(rows: list[dict[str, Any]]) -> list[bool]:
    if not rows:
        return []
    async with session() as db_session:
        result = await db_session.exec(_GUARDED_UPDATE, params=rows)
        if result.rowcount == len(rows):
            return [True] * len(rows)
        # Some rounds had changed (another tab, or a win): find out which writes were refused.
        ids = {row['round_id'] for row in rows}
        stored = dict((await db_session.exec(select(ActiveRound.id, ActiveRound.guesses)
                                            .where(col(ActiveRound.id).in_(ids)))).all())
        return [stored.get(row['round_id']) == row['after'] for row in rows]


_writer = _GuessWriter()
