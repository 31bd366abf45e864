"""The writer (db/writer.py): changes share transactions, but a change somebody waits for does not wait for others."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import db
from db import writer


async def test_a_win_does_not_wait_for_the_batch_and_takes_the_waiting_guesses_with_it(
        database: Path | str, monkeypatch: pytest.MonkeyPatch) -> None:
    active = await db.resume_or_start_round(player_id='p', max_number=100)
    assert active.id is not None
    monkeypatch.setattr(writer, 'BATCH_DELAY', 10.0)  # a guess alone waits 10 s for company
    before = [guess for guess in (50, 25, 12, 6, 3) if guess != active.secret]
    stored = db.store_guesses(round_id=active.id, before=[], after=before, answered_at=db.utc_now())
    await asyncio.sleep(0.05)
    assert not stored.done()
    won = await asyncio.wait_for(db.record_win(round_id=active.id, player_id='p', name='Ann',
                                               guesses=[*before, active.secret]), timeout=5)
    assert won is not None  # the win was made at once, in the same transaction as the guesses before it
    assert stored.done()
    assert stored.result() is True
    assert won.score.guesses == len(before) + 1


async def test_guesses_alone_wait_for_the_batch(database: Path | str, monkeypatch: pytest.MonkeyPatch) -> None:
    active = await db.resume_or_start_round(player_id='p', max_number=100)
    assert active.id is not None
    monkeypatch.setattr(writer, 'BATCH_DELAY', 1.0)
    stored = db.store_guesses(round_id=active.id, before=[], after=[50], answered_at=db.utc_now())
    await asyncio.sleep(0.05)
    assert not stored.done()  # still collecting others' guesses for the same transaction
    assert await asyncio.wait_for(stored, timeout=30)
