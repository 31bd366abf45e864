"""The database engine: the one place that knows where the data lives and how the database is set up.

``start()`` runs once, before the server starts: it checks the database, brings its tables up to date (Alembic
migrations, see ``db/migrations``) and opens the engine. ``run(work, ...)`` is how the query modules next to this
one talk to the database: ``work`` is a plain function that gets a connection and makes its statements (SQLAlchemy
Core, on the SQLModel tables), all in one transaction; nothing outside ``db/`` runs one.

The same functions run on SQLite (a file, the default) and on PostgreSQL (``--database-url
postgresql+asyncpg://...``, for several servers sharing one database); what only SQLite needs is set up here.
- SQLite runs in a thread of its own, and ``run`` hands it the whole function: one trip to that thread per
  transaction. (SQLAlchemy's asyncio layer over aiosqlite makes three or four trips per statement, which cost this
  game 0.4 ms of CPU per statement, several times what SQLite itself needs; see the README, "Performance".)
- PostgreSQL is reached through asyncpg, SQLAlchemy's asyncio driver: ``run`` uses ``run_sync``, which lets the
  same plain function wait for the network at each statement without blocking the server.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from alembic.util.exc import CommandError
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from . import migrations

P = ParamSpec('P')
T = TypeVar('T')
Work = Callable[Concatenate[Connection, P], T]

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



class DatabaseUnusable(Exception):
    """The database cannot be opened, reached or written; the message says why, in one line."""


class _Database:
    """The open database: SQLite's engine and its thread, or PostgreSQL's asyncio engine."""

    def __init__(self, url: URL, *, echo: bool) -> None:
        self.url = url
        self.sqlite: Engine | None = None
        self.thread: ThreadPoolExecutor | None = None
        self.postgres: AsyncEngine | None = None
        if url.get_backend_name() == 'sqlite':
            # One connection, in one thread: SQLite writes one transaction at a time anyway, and every transaction
            # ends itself (see run), so the pool need not roll the connection back again when it is handed back.
            self.sqlite = create_engine(url.set(drivername='sqlite'), echo=echo, pool_size=1, max_overflow=0,
                                        pool_reset_on_return=None)
            event.listen(self.sqlite, 'connect', _configure_sqlite_connection)
            event.listen(self.sqlite, 'begin', _begin_immediate)
            self.thread = ThreadPoolExecutor(1, thread_name_prefix='sqlite')
        else:
            self.postgres = create_async_engine(url, echo=echo, pool_size=POSTGRES_POOL, max_overflow=0,
                                                pool_pre_ping=True)

    async def run(self, work: Work[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        if self.sqlite is not None:
            sqlite = self.sqlite

            def in_transaction() -> T:
                with sqlite.begin() as connection:
                    return work(connection, *args, **kwargs)
            return await asyncio.get_running_loop().run_in_executor(self.thread, in_transaction)
        assert self.postgres is not None
        async with self.postgres.begin() as async_connection:
            return await async_connection.run_sync(work, *args, **kwargs)

    async def close(self) -> None:
        if self.sqlite is not None and self.thread is not None:
            await asyncio.get_running_loop().run_in_executor(self.thread, self.sqlite.dispose)
            self.thread.shutdown()
        if self.postgres is not None:
            await self.postgres.dispose()


_database: _Database | None = None


def start(database: Path | str, *, echo: bool = False) -> None:
    """Check the database, bring its tables up to date and open the engine.

    ``database`` is the path of a SQLite file, or a database URL such as ``postgresql+asyncpg://user@host/hilo``.
    Runs synchronously before the server starts, so the first request always finds the tables.
    Raises :class:`DatabaseUnusable` when the database cannot be created, reached, written or read.
    """
    global _database  # noqa: PLW0603  (the database is opened once per process, here)
    url = _url(database)
    _prepare(url)
    _database = _Database(url, echo=echo)


async def stop() -> None:
    """Close the database, after letting the transaction in progress finish."""
    global _database  # noqa: PLW0603
    if _database is not None:
        await _database.close()
        _database = None


async def run(work: Work[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run ``work(connection, *args, **kwargs)`` in one transaction: committed when it returns, rolled back if it
    raises. ``work`` is a plain (not async) function: see the top of this module for where it runs."""
    if _database is None:
        raise RuntimeError('db.start() must run before the database is used')
    return await _database.run(work, *args, **kwargs)


async def listen(listeners: dict[str, Callable[..., Any]], *, add: bool = True) -> None:
    """Add (or, with ``add=False``, remove) SQLAlchemy event listeners on the engine, such as
    ``{'after_cursor_execute': note}``: the learner's window (db/watch.py) listens only while a window is open.

    SQLAlchemy's lists of listeners must not change while a statement goes through them, so on SQLite the change is
    made in the database's own thread, between two transactions. (PostgreSQL's statements run in this thread.)
    """
    if _database is None:
        raise RuntimeError('db.start() must run before the database is used')
    engine = _database.sqlite or (_database.postgres.sync_engine if _database.postgres is not None else None)
    assert engine is not None

    def change() -> None:
        for name, listener in listeners.items():
            (event.listen if add else event.remove)(engine, name, listener)
    if _database.thread is not None:
        await asyncio.get_running_loop().run_in_executor(_database.thread, change)
    else:
        change()


def is_sqlite() -> bool:
    """Whether the game runs on SQLite (the default) rather than a database server."""
    return _database is not None and _database.sqlite is not None


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
        return URL.create('sqlite', database=str(path))
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
    try:
        if url.get_backend_name() == 'sqlite':
            engine = create_engine(url.set(drivername='sqlite'))
            try:
                with engine.begin() as connection:
                    _prepare_connection(connection)
            finally:
                engine.dispose()
        else:
            # PostgreSQL's driver needs an event loop. start() may be called while one already runs (the tests run
            # main.py inside one), so the migrations get a thread and an event loop of their own.
            with ThreadPoolExecutor(1) as thread:
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
