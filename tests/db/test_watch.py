"""The database layer of the learner's window: a player's statements, with their values and none of anyone else's."""
from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import event

import db
import db.watch
from db import engine


async def test_a_guess_in_a_shared_transaction_shows_only_its_own_row(sqlite_database: Path) -> None:
    ann = await db.resume_or_start_round(player_id='ann', max_number=100)
    bob = await db.resume_or_start_round(player_id='bob', max_number=100)
    assert ann.id is not None
    assert bob.id is not None
    await db.watch.start()
    try:
        watched = db.watch.Recording(round_id=ann.id, player_id='ann')
        with db.watch.recording(watched):
            ann_stored = db.store_guesses(round_id=ann.id, before=[], after=[50], answered_at=db.utc_now())
        bob_stored = db.store_guesses(round_id=bob.id, before=[], after=[40], answered_at=db.utc_now())
        assert list(await asyncio.gather(ann_stored, bob_stored)) == [True, True]
    finally:
        await db.watch.stop()

    (statement,) = watched.statements
    assert statement.sql.startswith('UPDATE active_round SET guesses=?')
    assert statement.rows == 2  # one statement stored both guesses ("executemany")...
    assert {key: statement.parameters[key] for key in ('after', 'round_id', 'before')} == \
        {'after': '50', 'round_id': ann.id, 'before': ''}  # ...and only Ann's values are kept
    assert list(statement.parameters) == ['after', 'answered_at', 'round_id', 'before']  # in the order of the ?s
    assert 0 <= statement.seconds < 1
    assert watched.shared_with == 1
    assert watched.queued is not None
    assert watched.stored is not None
    assert watched.queued <= statement.started <= watched.stored


async def test_a_win_keeps_its_statements_in_order_and_never_a_secret(sqlite_database: Path) -> None:
    active = await db.resume_or_start_round(player_id='ann', max_number=100)
    assert active.id is not None
    await db.watch.start()
    try:
        watched = db.watch.Recording(round_id=active.id, player_id='ann')
        with db.watch.recording(watched):
            win = await db.record_win(round_id=active.id, player_id='ann', name='Ann', guesses=[active.secret])
        assert win is not None
    finally:
        await db.watch.stop()

    # A first win is a personal best and the best overall, so both checks run; nothing to unmark.
    assert [statement.sql.split()[0:3] for statement in watched.statements] == [
        ['DELETE', 'FROM', 'active_round'], ['SELECT', 'score.id,', 'score.player_id,'],
        ['SELECT', 'score.id,', 'score.efficiency,'], ['INSERT', 'INTO', 'score'], ['INSERT', 'INTO', 'active_round'],
        ['SELECT', 'count(*)', 'AS'], ['SELECT', 'score.id,', 'score.player_id,']]
    (deal,) = [statement for statement in watched.statements if statement.sql.startswith('INSERT INTO active_round')]
    assert deal.parameters['secret'] == db.watch.HIDDEN  # the next round's secret is not kept
    assert win.next_round.secret not in deal.parameters.values()
    assert watched.statements[0].parameters['last'] == active.secret  # the win check: the guess just made


async def test_statements_of_actions_nobody_watches_are_not_kept(sqlite_database: Path) -> None:
    await db.watch.start()
    try:
        watched = db.watch.Recording(round_id=None, player_id='ann')
        with db.watch.recording(watched):
            pass  # Ann does nothing
        active = await db.resume_or_start_round(player_id='bob', max_number=100)
        assert active.id is not None
        assert await db.save_guesses(round_id=active.id, before=[], after=[1], answered_at=db.utc_now())
    finally:
        await db.watch.stop()
    assert watched.statements == []
    assert watched.queued is None


async def test_the_listeners_are_there_only_while_a_window_is_open(sqlite_database: Path) -> None:
    sqlite = engine._database.sqlite if engine._database is not None else None
    assert sqlite is not None

    def listening() -> bool:
        return event.contains(sqlite, 'after_cursor_execute', db.watch._after)
    assert not listening()
    await db.watch.start()
    await db.watch.start()  # two windows
    assert listening()
    assert 'queue' in vars(db.rounds.writer())
    await db.watch.stop()
    assert listening()  # one still open
    await db.watch.stop()
    assert not listening()
    assert 'queue' not in vars(db.rounds.writer())
    assert not db.watch.is_watching()


async def test_a_window_that_closes_while_it_opens_leaves_no_listener(sqlite_database: Path) -> None:
    sqlite = engine._database.sqlite if engine._database is not None else None
    assert sqlite is not None
    await asyncio.gather(db.watch.start(), db.watch.stop())  # the listeners are added in the database's thread
    assert not event.contains(sqlite, 'after_cursor_execute', db.watch._after)
    assert not db.watch.is_watching()
