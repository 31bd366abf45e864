"""How Alembic reaches the database: through the connection ``db.start()`` hands over, or, from the command line
(``alembic upgrade head``), through the database in ``HILO_DATABASE_URL`` or ``alembic.ini``.
"""
from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

from db import models  # noqa: F401  (registers the tables, so that --autogenerate can compare them)

config = context.config


def run(connection: Connection) -> None:
    """Run the migrations that have not run yet, in one transaction."""
    # render_as_batch: SQLite cannot change most things about a column in place; Alembic's "batch" mode copies the
    # table instead, which works on every database.
    context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


async def run_on_postgres(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(run)
    await engine.dispose()


if (given := config.attributes.get('connection')) is not None:
    run(given)
elif (url := str(os.environ.get('HILO_DATABASE_URL') or config.get_main_option('sqlalchemy.url'))).startswith('sqlite'):
    with create_engine(url).begin() as sqlite_connection:
        run(sqlite_connection)
else:
    asyncio.run(run_on_postgres(url))
