"""Stored wins for tests that need a board filled in a known way, made through the same db functions the game uses."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, update
from sqlalchemy.engine import Connection

import db
from db.engine import run
from db.models import ACTIVE_ROUND_TABLE, SCORE_TABLE


async def win_round(*, player_id: str, name: str, max_number: int = 100, misses: int = 0,
                    seconds: float = 0.0) -> db.Win:
    """Play a stored round to a win with ``misses`` wrong guesses first, as if it took ``seconds``."""
    active = await db.resume_or_start_round(player_id=player_id, max_number=max_number)
    assert active.id is not None
    wrong = [n for n in range(1, max_number + 1) if n != active.secret][:misses]
    if wrong:
        assert await db.save_guesses(round_id=active.id, before=[], after=wrong, answered_at=db.utc_now())
    if seconds:  # move the first guess back in time instead of sleeping: the clock is the server's own
        await run(lambda connection: connection.execute(
            update(ACTIVE_ROUND_TABLE).where(ACTIVE_ROUND_TABLE.c.id == active.id)
            .values(first_guess_at=db.utc_now() - timedelta(seconds=seconds))))
    win = await db.record_win(round_id=active.id, player_id=player_id, name=name, guesses=[*wrong, active.secret])
    assert win is not None
    return win


async def store_score(*, player_id: str, name: str, guesses: int, time_ms: int, max_number: int = 100) -> db.Score:
    """Store a score with exact figures, for tests of ordering that real clocks cannot make equal."""
    score = db.Score(player_id=player_id, name=name, max_number=max_number, guesses=guesses, time_ms=time_ms,
                     finished_at=db.utc_now(), is_best=True)

    def store(connection: Connection) -> None:
        score.id = connection.execute(insert(SCORE_TABLE).values(score.model_dump(exclude={'id'}))
                                      .returning(SCORE_TABLE.c.id)).scalar_one()
    await run(store)
    return score
