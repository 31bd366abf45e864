"""The SQLite settings chosen in db/engine.py, checked on a real file, and many winners at once."""
from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection

import db
from db.engine import run


async def pragma(name: str) -> object:
    return await run(lambda connection: connection.exec_driver_sql(f'PRAGMA {name}').scalar())


async def test_the_connection_uses_wal_normal_sync_and_a_busy_timeout(sqlite_database: Path) -> None:
    assert await pragma('journal_mode') == 'wal'
    assert await pragma('synchronous') == 1  # NORMAL
    assert await pragma('busy_timeout') == 5000


async def test_a_transaction_takes_the_write_lock_when_it_begins(sqlite_database: Path) -> None:
    def read_only(connection: Connection) -> None:
        connection.execute(text('SELECT 1'))
        # BEGIN IMMEDIATE: the transaction has only read so far, and still nobody else may start writing.
        other = sqlite3.connect(sqlite_database, timeout=0)
        with pytest.raises(sqlite3.OperationalError, match='database is locked'):
            other.execute('BEGIN IMMEDIATE')
        other.close()
    await run(read_only)
    other = sqlite3.connect(sqlite_database, timeout=0)
    other.execute('BEGIN IMMEDIATE')  # and once it is over, they may
    other.rollback()
    other.close()


async def test_a_hundred_simultaneous_winners_while_another_program_writes(sqlite_database: Path) -> None:
    rounds = [await db.resume_or_start_round(player_id=f'p{number}', max_number=1_000_000) for number in range(100)]
    stop = threading.Event()
    outside_writes = []

    def another_program() -> None:  # e.g. a backup or a script: it holds the write lock now and then
        connection = sqlite3.connect(sqlite_database, timeout=10)
        while not stop.is_set():
            connection.execute('BEGIN IMMEDIATE')
            time.sleep(0.005)
            connection.execute("UPDATE active_round SET guesses = guesses WHERE player_id = 'nobody'")
            connection.commit()
            outside_writes.append(1)
            time.sleep(0.001)
        connection.close()

    writer = threading.Thread(target=another_program)
    writer.start()
    try:
        wins = await asyncio.gather(*[
            db.record_win(round_id=active.id or 0, player_id=active.player_id, name=f'Winner {number}',
                          guesses=[active.secret])
            for number, active in enumerate(rounds)])
    finally:
        stop.set()
        writer.join()

    assert all(win is not None for win in wins)  # no "database is locked", no lost win
    # Each rank is the rank at the moment of that win (a faster win recorded later may overtake it).
    assert all(win.rank is not None and 1 <= win.rank <= 100 for win in wins if win is not None)
    with sqlite3.connect(sqlite_database) as connection:
        assert connection.execute('SELECT COUNT(*) FROM score').fetchone() == (100,)
    assert len(await db.top_ten(max_number=1_000_000)) == 10
    assert outside_writes  # the other program really did write meanwhile
