"""Queries for the high-score boards: record a win, read a board, find where a player stands.

A board shows one row per player: their best score in that range, marked ``is_best``. Every other win is kept too
(for replays and history), but no board shows it.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, tuple_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import game

from .engine import session
from .models import ACTIVE_ROUND_TABLE as _ROUNDS
from .models import ActiveRound, Score, guesses_to_text, utc_now
from .rounds import written

BOARD_SIZE = 10


@dataclass(frozen=True, kw_only=True)
class Win:
    """A recorded win, and what it changed.

    ``rank`` is where the player's best now stands on the board (this score's rank if it is a ``personal_best``);
    ``top_ten`` is the new top 10 if the win entered it, else ``None``; ``next_round`` is the player's next round in
    the same range, dealt in the same transaction.
    """

    score: Score
    rank: int
    personal_best: bool
    top_ten: list[Score] | None
    next_round: ActiveRound


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
    """Turn a won round into a score and deal the next round, in one transaction.

    The server checks the win itself: the round must belong to the player, the guesses must be those stored plus
    one final guess, and that guess must be the secret. The time is measured on the server, from the first counted
    guess. Returns ``None`` (and stores nothing) if any check fails, e.g. when another tab of the same player already
    finished the round.
    """
    if not guesses:
        return None
    await written()  # the earlier guesses of the round may still be on their way to the database
    # One statement checks the win and ends the round: it deletes the round only if it is this player's, holds
    # exactly the earlier guesses and has the last guess as its secret.
    finish = delete(_ROUNDS).where(_ROUNDS.c.id == round_id, _ROUNDS.c.player_id == player_id,
                                   _ROUNDS.c.guesses == guesses_to_text(guesses[:-1]),
                                   _ROUNDS.c.secret == guesses[-1]) \
        .returning(_ROUNDS.c.max_number, _ROUNDS.c.first_guess_at)
    async with session() as db_session:
        finished = (await db_session.exec(finish)).first()
        if finished is None:
            return None
        max_number, first_guess_at = finished
        finished_at = utc_now()
        time_ms = 0 if first_guess_at is None else int((finished_at - first_guess_at).total_seconds() * 1000)
        score = Score(player_id=player_id, name=name, max_number=max_number, guesses=len(guesses), time_ms=time_ms,
                      finished_at=finished_at, moves=guesses_to_text(guesses))
        previous = await _best(db_session, player_id=player_id, max_number=max_number)
        # Equal guesses and time go to the earlier score, as on the board.
        personal_best = previous is None or (score.guesses, score.time_ms) < (previous.guesses, previous.time_ms)
        if personal_best and previous is not None:
            previous.is_best = False
            await db_session.flush()  # before the new best is stored: a player has one best per range at any moment
        score.is_best = personal_best
        db_session.add(score)
        next_round = ActiveRound(player_id=player_id, max_number=max_number, secret=game.draw_secret(max_number),
                                 started_at=finished_at)
        db_session.add(next_round)
        await db_session.flush()  # assigns score.id, which ranks ties, and next_round.id
        best = score if personal_best else previous
        assert best is not None
        rank = await _rank(db_session, best)
        top_ten = await _top(db_session, max_number, BOARD_SIZE) if personal_best and rank <= BOARD_SIZE else None
        return Win(score=score, rank=rank, personal_best=personal_best, top_ten=top_ten, next_round=next_round)


async def top_ten(*, max_number: int) -> list[Score]:
    """The best ten players' scores of a range, best first."""
    async with session() as db_session:
        return await _top(db_session, max_number, BOARD_SIZE)


async def board(*, max_number: int, player_id: str) -> Board:
    """The top 10 of a range and the player's best score in it (``None`` if they never won in it), in one go."""
    async with session() as db_session:
        best = await _best(db_session, player_id=player_id, max_number=max_number)
        standing = None if best is None else Standing(score=best, rank=await _rank(db_session, best))
        return Board(top_ten=await _top(db_session, max_number, BOARD_SIZE), best=standing)


_BOARD_ORDER = (col(Score.guesses), col(Score.time_ms), col(Score.id))


async def _top(db_session: AsyncSession, max_number: int, limit: int) -> list[Score]:
    statement = select(Score).where(Score.max_number == max_number, col(Score.is_best)) \
        .order_by(*_BOARD_ORDER).limit(limit)
    return list((await db_session.exec(statement)).all())


async def _best(db_session: AsyncSession, *, player_id: str, max_number: int) -> Score | None:
    statement = select(Score).where(Score.player_id == player_id, Score.max_number == max_number, col(Score.is_best))
    return (await db_session.exec(statement)).first()


async def _rank(db_session: AsyncSession, score: Score) -> int:
    # The rank is one more than the number of players whose best sorts before this score. Comparing
    # (guesses, time_ms, id) as one tuple lets the database walk the board index from its start to this score.
    statement = select(func.count()).where(Score.max_number == score.max_number, col(Score.is_best),
                                           tuple_(*_BOARD_ORDER) < tuple_(*score.order_key))
    return (await db_session.exec(statement)).one() + 1
