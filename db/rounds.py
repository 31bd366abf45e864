"""Queries for rounds in progress: start or resume one, and store each counted guess."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

import game

from .engine import session
from .models import ActiveRound, guesses_to_text, utc_now


async def resume_or_start_round(*, player_id: str, max_number: int) -> ActiveRound:
    """The player's open round for this range; a new one with a fresh secret if there is none."""
    async with session() as db_session:
        active = await _open_round(db_session, player_id=player_id, max_number=max_number)
        if active is not None:
            return active
    try:
        async with session() as db_session:
            active = ActiveRound(player_id=player_id, max_number=max_number,
                                 secret=game.draw_secret(max_number), started_at=utc_now())
            db_session.add(active)
        return active
    except IntegrityError:
        # Another tab of the same player started this round a moment ago: resume that one instead.
        async with session() as db_session:
            active = await _open_round(db_session, player_id=player_id, max_number=max_number)
            assert active is not None
            return active


async def save_guesses(*, round_id: int, before: list[int], after: list[int]) -> bool:
    """Store the guesses of a round, if nobody changed them since ``before`` was read.

    Returns ``False`` (and changes nothing) when the round was won or guessed in another tab meanwhile:
    the caller should then reload the round instead of overwriting what the other tab did.
    """
    statement = update(ActiveRound) \
        .where(col(ActiveRound.id) == round_id, col(ActiveRound.guesses) == guesses_to_text(before)) \
        .values(guesses=guesses_to_text(after))
    async with session() as db_session:
        result = await db_session.exec(statement)
        return result.rowcount == 1


async def _open_round(db_session: AsyncSession, *, player_id: str, max_number: int) -> ActiveRound | None:
    statement = select(ActiveRound).where(ActiveRound.player_id == player_id, ActiveRound.max_number == max_number)
    return (await db_session.exec(statement)).first()
