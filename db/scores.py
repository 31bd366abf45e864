"""Queries for the high-score boards: record a win, read a top 10, find where a player stands."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, tuple_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from .engine import session
from .models import ACTIVE_ROUND_TABLE as _ROUNDS
from .models import Score, guesses_to_text, utc_now

BOARD_SIZE = 10


@dataclass(frozen=True, kw_only=True)
class Win:
    """A recorded win: the stored score, its rank on the board and, if it made the top 10, the new top 10."""

    score: Score
    rank: int
    top_ten: list[Score] | None


@dataclass(frozen=True, kw_only=True)
class Standing:
    """A player's best score in a range and its rank on the board."""

    score: Score
    rank: int


@dataclass(frozen=True, kw_only=True)
class Board:
    """What a page shows of a range: its top 10, and the player's own best wherever it ranks."""

    top_ten: list[Score]
    best: Standing | None


async def record_win(*, round_id: int, player_id: str, name: str, guesses: list[int]) -> Win | None:
    """Turn a won round into a score, in one transaction.

    The server checks the win itself: the round must belong to the player, the guesses must be those stored plus
    one final guess, and that guess must be the secret. The time is measured on the server, from the moment the
    secret was drawn. Returns ``None`` (and stores nothing) if any check fails, e.g. when another tab of the same
    player already finished the round.
    """
    if not guesses:
        return None
    # One statement checks the win and ends the round: it deletes the round only if it is this player's, holds
    # exactly the earlier guesses and has the last guess as its secret.
    finish = delete(_ROUNDS).where(_ROUNDS.c.id == round_id, _ROUNDS.c.player_id == player_id,
                                   _ROUNDS.c.guesses == guesses_to_text(guesses[:-1]),
                                   _ROUNDS.c.secret == guesses[-1]) \
        .returning(_ROUNDS.c.max_number, _ROUNDS.c.started_at)
    async with session() as db_session:
        finished = (await db_session.exec(finish)).first()
        if finished is None:
            return None
        max_number, started_at = finished
        finished_at = utc_now()
        score = Score(player_id=player_id, name=name, max_number=max_number, guesses=len(guesses),
                      time_ms=int((finished_at - _as_utc(started_at)).total_seconds() * 1000), finished_at=finished_at)
        db_session.add(score)
        await db_session.flush()  # assigns score.id, which ranks ties
        rank = await _rank(db_session, score)
        top_ten = await _top_ten(db_session, score.max_number) if rank <= BOARD_SIZE else None
        return Win(score=score, rank=rank, top_ten=top_ten)


async def top_ten(*, max_number: int) -> list[Score]:
    """The best ten scores of a range, best first."""
    async with session() as db_session:
        return await _top_ten(db_session, max_number)


async def board(*, max_number: int, player_id: str) -> Board:
    """The top 10 of a range and the player's best score in it (``None`` if they never won in it), in one go."""
    async with session() as db_session:
        statement = select(Score) \
            .where(Score.player_id == player_id, Score.max_number == max_number) \
            .order_by(*_BOARD_ORDER).limit(1)
        best = (await db_session.exec(statement)).first()
        standing = None if best is None else Standing(score=best, rank=await _rank(db_session, best))
        return Board(top_ten=await _top_ten(db_session, max_number), best=standing)


_BOARD_ORDER = (col(Score.guesses), col(Score.time_ms), col(Score.id))


async def _top_ten(db_session: AsyncSession, max_number: int) -> list[Score]:
    statement = select(Score).where(Score.max_number == max_number).order_by(*_BOARD_ORDER).limit(BOARD_SIZE)
    return list((await db_session.exec(statement)).all())


async def _rank(db_session: AsyncSession, score: Score) -> int:
    # The rank is one more than the number of scores that sort before this one. Comparing (guesses, time_ms, id)
    # as one tuple lets SQLite walk the board index from its start to this score and count.
    statement = select(func.count()) \
        .where(Score.max_number == score.max_number, tuple_(*_BOARD_ORDER) < tuple_(*score.order_key))
    return (await db_session.exec(statement)).one() + 1


def _as_utc(moment: datetime) -> datetime:
    # A time read through the table rather than the model comes back without its time zone; it is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
