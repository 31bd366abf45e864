"""The database engine: the one place that knows where the data lives and how the database is set up.

``start()`` runs once, before the server starts: it checks the database, brings its tables up to date (Alembic
migrations, see ``db/migrations``) and opens the engine. ``session()`` is how the query modules next to this one talk
to the database; nothing outside ``db/`` opens one. The same code runs on SQLite (a file, the default) and on
PostgreSQL (``--database-url postgresql+asyncpg://...``, for several servers sharing one database); what only SQLite
needs is set up here and nowhere else.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic.util.exc import CommandError
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from . import migrations

# How SQLite is set up, chosen on purpose:
# - WAL journal: readers never wait for the writer and the writer never waits for readers; a commit appends to the
#   write-ahead log instead of rewriting the database file.
# - synchronous=NORMAL: in WAL mode a commit is safe from a crash of this process (even SIGKILL), because the
#   operating system already holds the written log; only a power cut or a kernel crash can lose the last commits.
#   FULL would add one disk flush per guess for that case.
# - busy_timeout: if another program (a backup, the seeding script) holds the write lock, wait up to 5 s for it
#   instead of failing at once with "database is locked".
# - BEGIN IMMEDIATE: every transaction takes the write lock when it starts, not halfway through, so two
#   transactions can never deadlock while both try to upgrade from reading to writing.
# - One connection: SQLite writes one transaction at a time anyway. The pool hands the single connection to one
#   coroutine after the other, so our writes queue in Python instead of contending for locks on the file.
# PostgreSQL needs none of this: it runs many transactions at once, so it gets a pool of connections.
PRAGMAS = ('PRAGMA synchronous = NORMAL', 'PRAGMA busy_timeout = 5000', 'PRAGMA foreign_keys = ON')
QUICK_CHECK_LIMIT = 32 * 2**20  # bytes: SQLite files up to this size are checked for damage at start-up
POSTGRES_POOL = 10  # connections one server keeps open to PostgreSQL
MIGRATION_LOCK = 0x48694C6F  # any number that is the same for every Hi-Lo server: 'HiLo' in ASCII

_engine: AsyncEngine | None = None


class DatabaseUnusable(Exception):
    """The database cannot be opened, reached or written; the message says why, in one line."""


def start(database: Path | str, *, echo: bool = False) -> None:
    """Check the database, bring its tables up to date and open the engine.

    ``database`` is the path of a SQLite file, or a database URL such as ``postgresql+asyncpg://user@host/hilo``.
    Runs synchronously before the server starts, so the first request always finds the tables.
    Raises :class:`DatabaseUnusable` when the database cannot be created, reached, written or read.
    """
    global _engine  # noqa: PLW0603  (the engine is created once per process, here)
    url = _url(database)
    _prepare(url)
    if url.get_backend_name() == 'sqlite':
        # Every session ends its own transaction (see session()), so the pool need not roll back the connection
        # again when it is handed back: that would cost one more trip to the database thread per transaction.
        _engine = create_async_engine(url, echo=echo, pool_size=1, max_overflow=0, pool_reset_on_return=None)
        event.listen(_engine.sync_engine, 'connect', _configure_sqlite_connection)
        event.listen(_engine.sync_engine, 'begin', _begin_immediate)
    else:
        _engine = create_async_engine(url, echo=echo, pool_size=POSTGRES_POOL, max_overflow=0, pool_pre_ping=True)


async def stop() -> None:
    """Close the database connections, after letting the transactions in progress finish."""
    if _engine is not None:
        await _engine.dispose()


@asynccontextmanager
async def session() -> AsyncIterator[AsyncSession]:
    """One transaction: committed when the ``async with`` block ends, rolled back if it raises."""
    if _engine is None:
        raise RuntimeError('db.start() must run before the database is used')
    async with AsyncSession(_engine, expire_on_commit=False) as db_session, db_session.begin():
        yield db_session


def is_sqlite() -> bool:
    """Whether the game runs on SQLite (the default) rather than a database server."""
    return _engine is not None and _engine.dialect.name == 'sqlite'


def _url(database: Path | str) -> URL:
    if isinstance(database, Path):
        path = database.resolve()
        if path.is_dir():
            raise DatabaseUnusable(f'cannot use the database {path}: it is a folder; give the path of a file in it')
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DatabaseUnusable(f'cannot create the folder {path.parent} for the database: '
                                   f'{error.strerror}') from None
        return URL.create('sqlite+aiosqlite', database=str(path))
    try:
        url = make_url(database)
    except ArgumentError:
        raise DatabaseUnusable(f'{database!r} is not a database URL, e.g. postgresql+asyncpg://user@host/hilo') \
            from None
    if url.get_backend_name() not in {'sqlite', 'postgresql'}:
        raise DatabaseUnusable(f'Hi-Lo runs on SQLite or PostgreSQL, not {url.get_backend_name()}')
    return url


def _prepare(url: URL) -> None:
    """Run the migrations (and, on SQLite, the start-up checks), turning any failure into one line."""
    # The migrations run through the same async driver as the game, in a thread with an event loop of its own:
    # start() may be called while an event loop already runs (the tests run main.py inside one).
    with ThreadPoolExecutor(1) as thread:
        try:
            thread.submit(asyncio.run, _migrate(url)).result()
        except (SQLAlchemyError, OSError) as error:
            reason = error.orig if isinstance(error, DBAPIError) else error  # the driver's own words, without the SQL
            where = url.database if url.get_backend_name() == 'sqlite' else url.render_as_string(hide_password=True)
            reason_text = ' '.join(str(reason).split()) or type(reason).__name__
            raise DatabaseUnusable(f'cannot use the database {where}: {reason_text}') from None
        except CommandError as error:  # e.g. a database made by a newer version of Hi-Lo
            raise DatabaseUnusable(f'cannot bring the database up to date: {error}') from None


async def _migrate(url: URL) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_prepare_connection)
    finally:
        await engine.dispose()


def _prepare_connection(connection: Connection) -> None:
    sqlite = connection.dialect.name == 'sqlite'
    if sqlite:
        # WAL mode is stored in the file itself, so setting it once here covers every later connection.
        connection.exec_driver_sql('PRAGMA journal_mode = WAL')
    else:
        # Several servers may start at once on one database: the first to get this lock migrates, the others wait
        # for its transaction to end and then find nothing left to do.
        connection.exec_driver_sql(f'SELECT pg_advisory_xact_lock({MIGRATION_LOCK})')
    migrations.upgrade(connection)
    if sqlite:
        # A damaged file is better found now than in the middle of a game. The check reads the whole file, so it is
        # left out for big ones (it takes about a second at 1,000,000 scores, 136 MB).
        database = connection.engine.url.database
        if database and Path(database).stat().st_size <= QUICK_CHECK_LIMIT:
            verdict = ' '.join(str(connection.exec_driver_sql('PRAGMA quick_check(1)').scalar()).split())
            if verdict != 'ok':
                raise DatabaseUnusable(f'cannot use the database {database}: it is damaged ({verdict}); '
                                       'move it away or restore a copy')


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # Switch off the driver's own transaction handling so that _begin_immediate decides how transactions begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql('BEGIN IMMEDIATE')
