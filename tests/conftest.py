"""Fixtures shared by every kind of test."""
from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg
import pytest

import db
from tests.services import Postgres, need

TEMPLATE = 'hilo_template'  # the tables, made once per test session


@pytest.fixture(params=['sqlite', 'postgresql'])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Path | str]:
    """A fresh, real database for one test, opened the way main.py opens it: a SQLite file, then (the same test
    again) a database of its own on the session's PostgreSQL. Yields what ``db.start`` was given: a path or a URL."""
    if request.param == 'sqlite':
        path = tmp_path / 'hilo.sqlite3'
        db.start(path)
        yield path
        await db.stop()
        return
    postgres: Postgres = request.getfixturevalue('postgres_server')
    name = f'test_{uuid.uuid4().hex}'  # a new database per test: nothing of the test before can be left in it
    # A copy of a database the migrations have already run on (they run again at db.start, and find nothing to do).
    await _on_postgres(postgres, f'CREATE DATABASE {name} TEMPLATE {TEMPLATE}')
    url = postgres.url.rsplit('/', 1)[0] + f'/{name}'
    db.start(url)
    try:
        yield url
    finally:
        await db.stop()
        await _on_postgres(postgres, f'DROP DATABASE {name} WITH (FORCE)')


@pytest.fixture
async def sqlite_database(tmp_path: Path) -> AsyncIterator[Path]:
    """A fresh SQLite file, for tests of what only SQLite does (its settings, its files)."""
    path = tmp_path / 'hilo.sqlite3'
    db.start(path)
    yield path
    await db.stop()


@pytest.fixture(scope='session')
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Postgres]:
    """One throwaway PostgreSQL for the whole test session, started by the first test that needs it."""
    need(Postgres)
    with Postgres(tmp_path_factory.mktemp('postgres'), throwaway=True) as running:
        # The session's first test may be running its event loop in this thread: asyncpg gets one of its own.
        with ThreadPoolExecutor(1) as thread:
            thread.submit(asyncio.run, _make_template(running)).result()
        yield running


async def _make_template(postgres: Postgres) -> None:
    await _on_postgres(postgres, f'CREATE DATABASE {TEMPLATE}')
    db.start(postgres.url.rsplit('/', 1)[0] + f'/{TEMPLATE}')  # the migrations, as main.py runs them
    await db.stop()


async def _on_postgres(postgres: Postgres, statement: str) -> None:
    # CREATE and DROP DATABASE cannot run inside a transaction, so they go straight through asyncpg.
    connection = await asyncpg.connect(postgres.dsn, timeout=10)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()
