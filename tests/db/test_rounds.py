"""Rounds in progress against a real SQLite file: resumed, never redrawn, guarded against stale writes."""
from __future__ import annotations

import asyncio
from pathlib import Path

import db


async def test_a_round_is_resumed_with_the_same_secret_and_guesses(database: Path | str) -> None:
    first = await db.resume_or_start_round(player_id='p', max_number=1000)
    assert first.id is not None
    assert await db.save_guesses(round_id=first.id, before=[], after=[500], answered_at=db.utc_now())
    assert await db.save_guesses(round_id=first.id, before=[500], after=[500, 250], answered_at=db.utc_now())

    again = await db.resume_or_start_round(player_id='p', max_number=1000)

    assert (again.id, again.secret, again.started_at) == (first.id, first.secret, first.started_at)
    assert again.to_game().guesses == [500, 250]


async def test_rounds_are_per_player_and_per_range(database: Path | str) -> None:
    mine = await db.resume_or_start_round(player_id='p', max_number=100)
    other_range = await db.resume_or_start_round(player_id='p', max_number=1000)
    other_player = await db.resume_or_start_round(player_id='q', max_number=100)
    assert len({mine.id, other_range.id, other_player.id}) == 3


async def test_a_stale_write_changes_nothing(database: Path | str) -> None:
    active = await db.resume_or_start_round(player_id='p', max_number=100)
    assert active.id is not None
    assert await db.save_guesses(round_id=active.id, before=[], after=[10], answered_at=db.utc_now())
    # A second tab that still thinks no guess was made must not overwrite the first tab's guess.
    assert not await db.save_guesses(round_id=active.id, before=[], after=[90], answered_at=db.utc_now())
    resumed = await db.resume_or_start_round(player_id='p', max_number=100)
    assert resumed.to_game().guesses == [10]


async def test_a_won_round_is_gone_and_the_next_one_is_new(database: Path | str) -> None:
    active = await db.resume_or_start_round(player_id='p', max_number=1_000_000)
    assert active.id is not None
    assert await db.record_win(round_id=active.id, player_id='p', name='Ann', guesses=[active.secret])
    assert not await db.save_guesses(round_id=active.id, before=[active.secret], after=[active.secret, 1],
                                     answered_at=db.utc_now())
    following = await db.resume_or_start_round(player_id='p', max_number=1_000_000)
    assert following.id != active.id
    assert following.to_game().guesses == []


async def test_rounds_survive_a_restart_of_the_engine(database: Path | str) -> None:
    active = await db.resume_or_start_round(player_id='p', max_number=100)
    assert active.id is not None
    assert await db.save_guesses(round_id=active.id, before=[], after=[33], answered_at=db.utc_now())
    await db.stop()
    db.start(database)
    resumed = await db.resume_or_start_round(player_id='p', max_number=100)
    assert (resumed.secret, resumed.to_game().guesses) == (active.secret, [33])


async def test_stopping_the_database_first_stores_the_guesses_on_their_way(database: Path | str) -> None:
    active = await db.resume_or_start_round(player_id='p', max_number=100)
    assert active.id is not None
    saving = asyncio.create_task(db.save_guesses(round_id=active.id, before=[], after=[7], answered_at=db.utc_now()))
    await asyncio.sleep(0)  # the guess is queued; its batch waits a few milliseconds for company

    await db.stop()

    assert saving.done()  # stored by the time stop() returns, not some time later
    assert saving.result()
    db.start(database)
    resumed = await db.resume_or_start_round(player_id='p', max_number=100)
    assert (resumed.id, resumed.to_game().guesses) == (active.id, [7])
