"""Queries for the high-score boards: record a win, read a board, find where a player stands.

A board shows one row per player: their best score in that range, marked ``is_best``. Every other win is kept too
(for replays and history), but no board shows it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, tuple_, update
from sqlalchemy.engine import Connection, Row

import game

from .engine import run
from .models import ACTIVE_ROUND_TABLE as _ROUNDS
from .models import SCORE_TABLE as _SCORES
from .models import ActiveRound, Score, guesses_to_text, utc_now
from .rounds import writer

BOARD_SIZE = 10


@dataclass(frozen=True, kw_only=True)
class Win:
    """A recorded win, and what it changed.

    ``rank`` is where the new personal best stands on the board (``None`` if the win is not a personal best);
    ``top_ten`` is the new top 10 if the win entered it, else ``None``; ``next_round`` is the player's next round in
    the same range, dealt in the same transaction.
    """

    score: Score
    rank: int | None
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
    finished the round. Like every change, it goes through the writer (db/writer.py), after the round's guesses.
    """
    if not guesses:
        return None
    return await writer().queue(_record_wins, (round_id, player_id, name, guesses), awaited=True)


async def top_ten(*, max_number: int) -> list[Score]:
    """The best ten players' scores of a range, best first."""
    return await run(_top, max_number, BOARD_SIZE)


async def board(*, max_number: int, player_id: str) -> Board:
    """The top 10 of a range and the player's best score in it (``None`` if they never won in it), in one go."""
    return await run(_board, max_number, player_id)


def _board(connection: Connection, max_number: int, player_id: str) -> Board:
    best = _best(connection, player_id=player_id, max_number=max_number)
    standing = None if best is None else Standing(score=best, rank=_rank(connection, best))
    return Board(top_ten=_top(connection, max_number, BOARD_SIZE), best=standing)


def _record_wins(connection: Connection, wins: Sequence[tuple[int, str, str, list[int]]]) -> list[Win | None]:
    return [_record_win(connection, *win) for win in wins]


def _record_win(connection: Connection, round_id: int, player_id: str, name: str, guesses: list[int]) -> Win | None:
    finished = connection.execute(_FINISH, {'round_id': round_id, 'player_id': player_id, 'last': guesses[-1],
                                            'before': guesses_to_text(guesses[:-1])}).first()
    if finished is None:
        return None
    max_number, first_guess_at = finished
    finished_at = utc_now()
    time_ms = 0 if first_guess_at is None else int((finished_at - first_guess_at).total_seconds() * 1000)
    score = Score(player_id=player_id, name=name, max_number=max_number, guesses=len(guesses), time_ms=time_ms,
                  finished_at=finished_at, moves=guesses_to_text(guesses),
                  efficiency=game.efficiency(max_number, len(guesses)))
    previous = _best(connection, player_id=player_id, max_number=max_number)
    # Equal guesses and time go to the earlier score, as on the board.
    score.is_best = previous is None or (score.guesses, score.time_ms) < (previous.guesses, previous.time_ms)
    if score.is_best and previous is not None:
        # First, so that the player has one best per range at any moment.
        connection.execute(_UNMARK, {'score_id': previous.id})
    # Only a range best can be the best across ranges (in one range, fewer guesses means a higher efficiency).
    score.is_best_overall = score.is_best and _beats_best_overall(connection, score)
    score.id = connection.execute(_STORE_SCORE, score.model_dump(exclude={'id'})).scalar_one()
    next_round = ActiveRound(player_id=player_id, max_number=max_number, secret=game.draw_secret(max_number),
                             started_at=finished_at)
    next_round.id = connection.execute(_DEAL, next_round.model_dump(exclude={'id'})).scalar_one()
    if not score.is_best:
        return Win(score=score, rank=None, personal_best=False, top_ten=None, next_round=next_round)
    rank = _rank(connection, score)
    top_ten = _top(connection, max_number, BOARD_SIZE) if rank <= BOARD_SIZE else None
    return Win(score=score, rank=rank, personal_best=True, top_ten=top_ten, next_round=next_round)


def _beats_best_overall(connection: Connection, score: Score) -> bool:
    """Whether the score is the player's new best across ranges; if so, the old one loses its mark (first, as above)."""
    old = connection.execute(_BEST_OVERALL, {'player_id': score.player_id}).first()
    if old is not None:
        old_id, old_efficiency, old_time_ms = old
        if old_efficiency is not None and (old_efficiency, -old_time_ms) >= (score.efficiency, -score.time_ms):
            return False  # equal efficiency and time go to the earlier score, as on the board
        connection.execute(_UNMARK_OVERALL, {'score_id': old_id})
    return True


def _top(connection: Connection, max_number: int, limit: int) -> list[Score]:
    return [_score(row) for row in connection.execute(_TOP, {'max_number': max_number, 'limit': limit})]


def _best(connection: Connection, *, player_id: str, max_number: int) -> Score | None:
    row = connection.execute(_BEST, {'player_id': player_id, 'max_number': max_number}).first()
    return None if row is None else _score(row)


def _rank(connection: Connection, score: Score) -> int:
    guesses, time_ms, score_id = score.order_key
    found = connection.execute(_RANK, {'max_number': score.max_number, 'guesses': guesses, 'time_ms': time_ms,
                                       'score_id': score_id})
    return int(found.scalar_one()) + 1


def _score(row: Row[Any]) -> Score:
    # The values come from the database, so they need no checking: model_construct skips it (7 times faster).
    return Score.model_construct(**row._mapping)


# The statements, built once; each call fills in the values (the bindparams) and SQLAlchemy reuses the SQL.
_BOARD_ORDER = (_SCORES.c.guesses, _SCORES.c.time_ms, _SCORES.c.id)
# Checks the win and ends the round in one: it deletes the round only if it is this player's, holds exactly the
# earlier guesses and has the last guess as its secret.
_FINISH = delete(_ROUNDS) \
    .where(_ROUNDS.c.id == bindparam('round_id'), _ROUNDS.c.player_id == bindparam('player_id'),
           _ROUNDS.c.guesses == bindparam('before'), _ROUNDS.c.secret == bindparam('last')) \
    .returning(_ROUNDS.c.max_number, _ROUNDS.c.first_guess_at)
_BEST = select(_SCORES).where(_SCORES.c.player_id == bindparam('player_id'),
                              _SCORES.c.max_number == bindparam('max_number'), _SCORES.c.is_best)
_UNMARK = update(_SCORES).where(_SCORES.c.id == bindparam('score_id')).values(is_best=False)
_BEST_OVERALL = select(_SCORES.c.id, _SCORES.c.efficiency, _SCORES.c.time_ms) \
    .where(_SCORES.c.player_id == bindparam('player_id'), _SCORES.c.is_best_overall)
_UNMARK_OVERALL = update(_SCORES).where(_SCORES.c.id == bindparam('score_id')).values(is_best_overall=False)
_STORE_SCORE = insert(_SCORES).returning(_SCORES.c.id)
_DEAL = insert(_ROUNDS).returning(_ROUNDS.c.id)
_TOP = select(_SCORES).where(_SCORES.c.max_number == bindparam('max_number'), _SCORES.c.is_best) \
    .order_by(*_BOARD_ORDER).limit(bindparam('limit'))
# The rank is one more than the number of players whose best sorts before this score. Comparing
# (guesses, time_ms, id) as one tuple lets the database walk the board index from its start to this score.
_RANK = select(func.count()) \
    .where(_SCORES.c.max_number == bindparam('max_number'), _SCORES.c.is_best,
           tuple_(*_BOARD_ORDER) < tuple_(bindparam('guesses'), bindparam('time_ms'), bindparam('score_id')))
