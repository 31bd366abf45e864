"""The score queries against a real SQLite file: ordering, tie-breaks, ranks and the checks on a win."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.engine import Connection

import db
from db.engine import run
from db.scores import _TOP
from tests.wins import store_score, win_round


async def test_top_ten_orders_by_guesses_then_time_then_who_finished_first(database: Path | str) -> None:
    await store_score(player_id='p1', name='slow', guesses=3, time_ms=50_000)
    await store_score(player_id='p2', name='many', guesses=6, time_ms=1_000)
    await store_score(player_id='p3', name='fast', guesses=3, time_ms=10_000)
    await store_score(player_id='p4', name='tie-first', guesses=1, time_ms=700)
    await store_score(player_id='p5', name='tie-second', guesses=1, time_ms=700)
    await store_score(player_id='p6', name='other range', guesses=1, time_ms=1, max_number=1000)

    board = await db.top_ten(max_number=100)

    assert [score.name for score in board] == ['tie-first', 'tie-second', 'fast', 'slow', 'many']
    assert [score.guesses for score in board] == [1, 1, 3, 3, 6]


async def test_the_board_keeps_only_the_best_ten(database: Path | str) -> None:
    for misses in range(12):
        await win_round(player_id=f'p{misses}', name=f'n{misses}', misses=misses)
    board = await db.top_ten(max_number=100)
    assert [score.guesses for score in board] == list(range(1, 11))


async def test_a_win_reports_its_rank_and_the_new_top_ten_only_when_it_enters_it(database: Path | str) -> None:
    for misses in range(10):
        win = await win_round(player_id=f'p{misses}', name=f'n{misses}', misses=misses + 1)
        assert win.rank == misses + 1
        assert win.top_ten is not None
        assert win.top_ten[-1].id == win.score.id

    outside = await win_round(player_id='late', name='late', misses=20)
    assert outside.rank == 11
    assert outside.top_ten is None

    best = await win_round(player_id='ace', name='ace', misses=0)
    assert best.rank == 1
    assert best.top_ten is not None
    assert [score.name for score in best.top_ten][:2] == ['ace', 'n0']
    assert len(best.top_ten) == 10


async def test_the_board_holds_the_players_best_score_and_its_rank(database: Path | str) -> None:
    assert (await db.board(player_id='me', max_number=100)).best is None
    for misses in range(3):
        await win_round(player_id=f'p{misses}', name='other', misses=misses)
    await win_round(player_id='me', name='me', misses=6)
    mine = await win_round(player_id='me', name='me', misses=2, seconds=30)

    standing = (await db.board(player_id='me', max_number=100)).best

    assert standing is not None
    assert standing.score.id == mine.score.id
    assert standing.rank == 4  # behind the 1-, 2- and 3-guess wins; its time breaks the tie with the other 3
    assert (await db.board(player_id='me', max_number=1000)).best is None


async def test_time_is_measured_by_the_server_from_the_draw(database: Path | str) -> None:
    win = await win_round(player_id='p', name='Ann', seconds=42)
    assert 42_000 <= win.score.time_ms < 45_000


async def test_a_win_needs_the_secret_the_stored_guesses_and_the_right_player(database: Path | str) -> None:
    active = await db.resume_or_start_round(player_id='p', max_number=100)
    assert active.id is not None
    wrong = 1 if active.secret != 1 else 2
    assert await db.save_guesses(round_id=active.id, before=[], after=[wrong], answered_at=db.utc_now())

    attempts = [
        dict(player_id='p', guesses=[wrong, wrong]),                 # the last guess is not the secret
        dict(player_id='p', guesses=[active.secret]),                # skips a stored guess
        dict(player_id='intruder', guesses=[wrong, active.secret]),  # somebody else's round
        dict(player_id='p', guesses=[]),
    ]
    for attempt in attempts:
        assert await db.record_win(round_id=active.id, name='cheat', **attempt) is None  # type: ignore[arg-type]
    assert await db.top_ten(max_number=100) == []

    assert await db.record_win(round_id=active.id, player_id='p', name='Ann', guesses=[wrong, active.secret])
    assert await db.record_win(round_id=active.id, player_id='p', name='Ann', guesses=[wrong, active.secret]) is None
    assert len(await db.top_ten(max_number=100)) == 1


async def test_the_board_is_one_indexed_query(database: Path | str) -> None:
    def plan(connection: Connection) -> str:
        # The board's own statement, as SQLAlchemy writes it for this database: a partial index is only used when its
        # condition reads like the query's.
        compiled = _TOP.compile(dialect=connection.dialect)
        values = compiled.construct_params({'max_number': 100, 'limit': 10})
        arguments = tuple(values[name] for name in compiled.positiontup or ())
        if connection.dialect.name == 'sqlite':
            return ' '.join(row[-1] for row in connection.exec_driver_sql(f'EXPLAIN QUERY PLAN {compiled}', arguments))
        # PostgreSQL reads a table this small whole; without that choice, the plan shows whether the index fits.
        connection.exec_driver_sql('SET LOCAL enable_seqscan = off')
        return ' '.join(row[0] for row in connection.exec_driver_sql(f'EXPLAIN {compiled}', arguments))

    await win_round(player_id='p', name='Ann')
    details = await run(plan)
    assert 'ix_score_board' in details
    assert 'TEMP B-TREE' not in details  # SQLite: no sorting step, the index already holds the order
    assert 'Sort' not in details  # PostgreSQL: the same


async def test_the_database_runs_in_wal_mode(sqlite_database: Path) -> None:
    with sqlite3.connect(sqlite_database) as connection:
        assert connection.execute('PRAGMA journal_mode').fetchone() == ('wal',)


async def test_unusable_database_paths_give_one_line_reasons(tmp_path: Path) -> None:
    not_a_database = tmp_path / 'junk.sqlite3'
    not_a_database.write_bytes(b'this is not a database' * 100)
    with pytest.raises(db.DatabaseUnusable, match='file is not a database'):
        db.start(not_a_database)

    blocker = tmp_path / 'file'
    blocker.write_text('a file where a folder should be')
    with pytest.raises(db.DatabaseUnusable, match='cannot create the folder'):
        db.start(blocker / 'sub' / 'hilo.sqlite3')
