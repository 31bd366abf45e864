"""The database engine: the one place that knows where the data lives and how SQLite is set up.

``start()`` runs once, before the server starts: it checks the file, creates missing tables and opens the engine.
``session()`` is how the query modules next to this one talk to the database; nothing outside ``db/`` opens one.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import SQLModel, create_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from . import models  # noqa: F401  (importing the models registers their tables with SQLModel.metadata)

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
PRAGMAS = ('PRAGMA synchronous = NORMAL', 'PRAGMA busy_timeout = 5000', 'PRAGMA foreign_keys = ON')
QUICK_CHECK_LIMIT = 32 * 2**20  # bytes: files up to this size are checked for damage at start-up

_engine: AsyncEngine | None = None


class DatabaseUnusable(Exception):
    """The database cannot be opened or written; the message says why, in one line."""


def start(path: Path, *, echo: bool = False) -> None:
    """Check the database file, create any missing tables and open the engine.

    Runs synchronously before the server starts, so the first request always finds the tables.
    Raises :class:`DatabaseUnusable` when the file cannot be created, written or read as SQLite.
    """
    global _engine  # noqa: PLW0603  (the engine is created once per process, here)
    path = path.resolve()
    _create_schema(path)
    # Every session ends its own transaction (see session()), so the pool need not roll back each connection again
    # when it is handed back: that would cost one more trip to the database thread per transaction.
    _engine = create_async_engine(f'sqlite+aiosqlite:///{path}', echo=echo, pool_size=1, max_overflow=0,
                                  pool_reset_on_return=None)
    event.listen(_engine.sync_engine, 'connect', _configure_connection)
    event.listen(_engine.sync_engine, 'begin', _begin_immediate)


async def stop() -> None:
    """Close the database connection, after letting the transaction in progress finish."""
    if _engine is not None:
        await _engine.dispose()


@asynccontextmanager
async def session() -> AsyncIterator[AsyncSession]:
    """One transaction: committed when the ``async with`` block ends, rolled back if it raises."""
    if _engine is None:
        raise RuntimeError('db.start() must run before the database is used')
    async with AsyncSession(_engine, expire_on_commit=False) as db_session, db_session.begin():
        yield db_session


def _create_schema(path: Path) -> None:
    if path.is_dir():
        raise DatabaseUnusable(f'cannot use the database {path}: it is a folder; give the path of a file in it')
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseUnusable(f'cannot create the folder {path.parent} for the database: {error.strerror}') from None
    sync_engine = create_engine(f'sqlite:///{path}')
    try:
        with sync_engine.begin() as connection:
            # WAL mode is stored in the file itself, so setting it once here covers every later connection.
            connection.exec_driver_sql('PRAGMA journal_mode = WAL')
            SQLModel.metadata.create_all(connection)
            # A damaged file is better found now than in the middle of a game. The check reads the whole file,
            # so it is left out for big ones (it takes about a second at 1,000,000 scores, 136 MB).
            if path.stat().st_size <= QUICK_CHECK_LIMIT:
                verdict = ' '.join(str(connection.exec_driver_sql('PRAGMA quick_check(1)').scalar()).split())
                if verdict != 'ok':
                    raise DatabaseUnusable(f'cannot use the database {path}: it is damaged ({verdict}); '
                                           'move it away or restore a copy')
    except SQLAlchemyError as error:
        reason = error.orig if isinstance(error, DBAPIError) else error  # the driver's own words, without the SQL
        raise DatabaseUnusable(f'cannot use the database {path}: {reason}') from None
    finally:
        sync_engine.dispose()


def _configure_connection(dbapi_connection: Any, _record: Any) -> None:
    # Switch off the driver's own transaction handling so that _begin_immediate decides how transactions begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql('BEGIN IMMEDIATE')
