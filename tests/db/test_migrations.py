"""Schema changes are Alembic migrations: a database made by the first release is upgraded with every score kept."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import db
from db import migrations
from db.engine import run
from tests.wins import win_round

# The tables exactly as the first release of Hi-Lo (before Alembic) created them.
FIRST_RELEASE_SCHEMA = """
CREATE TABLE score (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, player_id VARCHAR(64) NOT NULL, name VARCHAR(24) NOT NULL,
    max_number INTEGER NOT NULL, guesses INTEGER NOT NULL, time_ms INTEGER NOT NULL, finished_at DATETIME NOT NULL);
CREATE INDEX ix_score_player ON score (player_id, max_number, guesses, time_ms, id);
CREATE INDEX ix_score_board ON score (max_number, guesses, time_ms, id);
CREATE TABLE active_round (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, player_id VARCHAR(64) NOT NULL, max_number INTEGER NOT NULL,
    secret INTEGER NOT NULL, guesses VARCHAR NOT NULL, started_at DATETIME NOT NULL);
CREATE UNIQUE INDEX ix_active_round_player ON active_round (player_id, max_number);
"""
HEAD = '0003'
OLD_SCORES = [  # (player, name, range, guesses, time_ms): Ada won 1-100 three times, once in 1-1,000
    ('ada', 'Ada', 100, 7, 9000), ('ada', 'Ada', 100, 5, 12000), ('ada', 'Ada', 100, 5, 8000),
    ('bob', 'Bob', 100, 6, 4000), ('ada', 'Ada', 1000, 9, 20000),
]


def make_first_release_database(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.executescript(FIRST_RELEASE_SCHEMA)
        connection.executemany(
            "INSERT INTO score (player_id, name, max_number, guesses, time_ms, finished_at) "
            "VALUES (?, ?, ?, ?, ?, '2026-11-21 10:00:00.000000')", OLD_SCORES)
        connection.execute("INSERT INTO active_round (player_id, max_number, secret, guesses, started_at) "
                           "VALUES ('bob', 1000, 777, '500 750', '2026-11-21 10:05:00.000000')")


async def test_a_first_release_database_is_upgraded_with_every_score_kept(tmp_path: Path) -> None:
    path = tmp_path / 'hilo.sqlite3'
    make_first_release_database(path)

    db.start(path)
    try:
        board = await db.top_ten(max_number=100)
        resumed = await db.resume_or_start_round(player_id='bob', max_number=1000)
    finally:
        await db.stop()

    with sqlite3.connect(path) as connection:
        kept = connection.execute('SELECT player_id, name, max_number, guesses, time_ms FROM score ORDER BY id')
        assert kept.fetchall() == OLD_SCORES
        assert connection.execute('SELECT version_num FROM alembic_version').fetchall() == [(HEAD,)]
        assert connection.execute('SELECT moves FROM score WHERE moves IS NOT NULL').fetchall() == []
    # One row per player, their best: Ada's 5 guesses in 8 s beat her 5 in 12 s and her 7.
    assert [(score.name, score.guesses, score.time_ms) for score in board] == [('Ada', 5, 8000), ('Bob', 6, 4000)]
    assert all(score.moves_list is None for score in board)  # older scores have no replay, and say so
    assert (resumed.secret, resumed.to_game().guesses) == (777, [500, 750])  # a round in progress carries on


async def test_upgrading_twice_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / 'hilo.sqlite3'
    make_first_release_database(path)
    for _ in range(2):
        db.start(path)
        await db.stop()
    with sqlite3.connect(path) as connection:
        assert connection.execute('SELECT COUNT(*) FROM score WHERE is_best').fetchone() == (3,)


async def test_a_new_database_gets_the_newest_tables(tmp_path: Path) -> None:
    path = tmp_path / 'new.sqlite3'
    db.start(path)
    await db.stop()
    with sqlite3.connect(path) as connection:
        columns = {row[1] for row in connection.execute('PRAGMA table_info(score)')}
        indexes = {row[1] for row in connection.execute('PRAGMA index_list(score)')}
    assert {'moves', 'is_best'} <= columns
    assert {'ix_score_board', 'ix_score_best'} <= indexes


async def test_the_migrations_build_exactly_the_tables_in_the_models(database: Path | str) -> None:
    # On SQLite and on PostgreSQL: each database words some things its own way (partial indexes, booleans).
    differences = await run(lambda connection: compare_metadata(MigrationContext.configure(connection),
                                                                SQLModel.metadata))
    assert differences == []  # a change to db/models.py without its migration would show here


async def test_starting_again_on_a_database_that_is_up_to_date_changes_nothing(database: Path | str) -> None:
    await win_round(player_id='ada', name='Ada', misses=2)
    await db.stop()
    db.start(database)  # the migrations find nothing to do, on either database
    assert [score.name for score in await db.top_ten(max_number=100)] == ['Ada']
    assert await run(lambda connection: connection.exec_driver_sql('SELECT version_num FROM alembic_version')
                     .scalars().all()) == [HEAD]


# Scores as the release with replays (migration 0002) stored them: (player, name, range, guesses, time_ms, moves, best).
SCORES_0002 = [
    ('ada', 'Ada', 100, 7, 8000, '50 25 12 6 3 1 2', True),  # par 7: efficiency 1.0
    ('ada', 'Ada', 1000, 10, 9000, None, True),  # par 10: efficiency 1.0 too, but slower
    ('ada', 'Ada', 100, 9, 5000, '1 2 3 4 5 6 7 8 9', False),
    ('bob', 'Bob', 10, 2, 3000, '5 7', True),  # par 4: efficiency 2.0
    ('cy', 'Cy', 1_000_000, 16, 60000, None, True),  # par 20: efficiency 1.25
]


def make_database_at(path: Path, revision: str) -> None:
    """A database as the release that ran migration ``revision`` made it."""
    engine = create_engine(f'sqlite:///{path}')
    with engine.begin() as connection:
        config = Config()
        config.set_main_option('script_location', str(migrations.HERE))
        config.attributes['connection'] = connection
        command.upgrade(config, revision)
    engine.dispose()


async def test_a_database_with_replays_gets_the_all_ranges_board_with_every_score_kept(tmp_path: Path) -> None:
    path = tmp_path / 'hilo.sqlite3'
    make_database_at(path, '0002')
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO score (player_id, name, max_number, guesses, time_ms, moves, is_best, finished_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, '2026-11-21 10:00:00.000000')", SCORES_0002)

    db.start(path)
    try:
        overall = await db.top_overall(limit=10)
        ace = await win_round(player_id='ada', name='Ada', max_number=10)  # one guess at par 4: efficiency 4.0
        after = await db.top_overall(limit=10)
    finally:
        await db.stop()

    with sqlite3.connect(path) as connection:
        kept = connection.execute('SELECT player_id, name, max_number, guesses, time_ms, moves, is_best '
                                  'FROM score WHERE id <= 5 ORDER BY id')
        assert [(*row[:6], bool(row[6])) for row in kept] == SCORES_0002
        assert connection.execute('SELECT version_num FROM alembic_version').fetchall() == [(HEAD,)]
        efficiencies = connection.execute('SELECT efficiency FROM score WHERE id <= 5 ORDER BY id').fetchall()
    assert [value for (value,) in efficiencies] == [1.0, 1.0, 7 / 9, 2.0, 1.25]
    # One row per player, their best by efficiency: Ada's two scores of 1.0 are tied, and her faster one counts.
    assert [(score.name, score.max_number, score.guesses) for score in overall] == \
        [('Bob', 10, 2), ('Cy', 1_000_000, 16), ('Ada', 100, 7)]
    # A new best of Ada's takes the place of her old one.
    assert [(score.name, score.id) for score in after] == [('Ada', ace.score.id), ('Bob', 4), ('Cy', 5)]
