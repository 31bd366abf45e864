"""Reads for the scores page, the replays and the JSON API: boards of any length, the all-ranges board, one score,
the ranges that have scores, and whether the database answers at all.

Like every query module, each read is a plain function on a connection (it runs in the database's thread, see
db/engine.py) with an ``async def`` wrapper that the pages and the API await. None of them reads a round in
progress: the secret of a round never leaves the ``active_round`` table before the round is won.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam, func, literal, select
from sqlalchemy.engine import Connection

from .engine import run
from .models import SCORE_TABLE as _SCORES
from .models import Score
from .scores import _TOP, _rank, _score


@dataclass(frozen=True, kw_only=True)
class Found:
    """A score, and its rank on its range's board if it is the player's best there (else ``None``)."""

    score: Score
    rank: int | None


async def top_scores(*, max_number: int, limit: int) -> list[Score]:
    """The best ``limit`` players' scores of a range (one each: their best), best first."""
    return await run(_top_scores, max_number, limit)


async def top_overall(*, limit: int) -> list[Score]:
    """The all-ranges board: each player's best across all ranges, by efficiency (par ÷ guesses), then time."""
    return await run(_top_overall, limit)


async def find_score(*, score_id: int) -> Found | None:
    """The score with this id and its rank, or ``None`` if there is none."""
    return await run(_find_score, score_id)


async def range_bests() -> list[Score]:
    """The best score of every range that has scores, by range (smallest first)."""
    return await run(_range_bests)


async def answers() -> bool:
    """Whether the database answers a query (the health check). Raises what the driver raises when it does not."""
    return bool(await run(_ping))


def _top_scores(connection: Connection, max_number: int, limit: int) -> list[Score]:
    return [_score(row) for row in connection.execute(_TOP, {'max_number': max_number, 'limit': limit})]


def _top_overall(connection: Connection, limit: int) -> list[Score]:
    return [_score(row) for row in connection.execute(_TOP_OVERALL, {'limit': limit})]


def _find_score(connection: Connection, score_id: int) -> Found | None:
    row = connection.execute(_BY_ID, {'score_id': score_id}).first()
    if row is None:
        return None
    score = _score(row)
    return Found(score=score, rank=_rank(connection, score) if score.is_best else None)


def _range_bests(connection: Connection) -> list[Score]:
    return [_score(row) for row in connection.execute(_RANGE_BESTS)]


def _ping(connection: Connection) -> int:
    return int(connection.execute(select(literal(1))).scalar_one())


_BY_ID = select(_SCORES).where(_SCORES.c.id == bindparam('score_id'))
_TOP_OVERALL = select(_SCORES).where(_SCORES.c.is_best_overall) \
    .order_by(_SCORES.c.efficiency.desc(), _SCORES.c.time_ms, _SCORES.c.id).limit(bindparam('limit'))


def _range_bests_statement() -> Select[Any]:
    """Every range's best score, without reading every score: a "loose index scan".

    ``SELECT DISTINCT max_number`` would read the whole board index (a million entries at a million scores). Instead
    a recursive query asks the index for the smallest range, then for the smallest range above it, and so on: one
    quick lookup per range. For each range found, its best score is the first entry of its board (see _TOP).
    """
    later = _SCORES.alias('later')
    ranges = select(func.min(_SCORES.c.max_number).label('max_number')).where(_SCORES.c.is_best) \
        .cte('ranges', recursive=True)
    next_range = select(func.min(later.c.max_number)).where(later.c.is_best, later.c.max_number > ranges.c.max_number)
    ranges = ranges.union_all(select(next_range.scalar_subquery()).where(ranges.c.max_number.is_not(None)))
    first = _SCORES.alias('first')
    best_id = select(first.c.id).where(first.c.max_number == ranges.c.max_number, first.c.is_best) \
        .order_by(first.c.guesses, first.c.time_ms, first.c.id).limit(1).scalar_subquery()
    return select(_SCORES).select_from(ranges).join(_SCORES, _SCORES.c.id == best_id).order_by(_SCORES.c.max_number)


_RANGE_BESTS = _range_bests_statement()
