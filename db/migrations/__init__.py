"""Schema changes, as Alembic migrations: each file in ``versions/`` changes the tables one step, keeping every row.

``db.start()`` calls :func:`upgrade` before the server starts, on SQLite and PostgreSQL alike, so an existing
database is brought up to date by simply starting the new version of the game. To change a table: edit
``db/models.py``, then write the step with ``alembic revision --autogenerate -m "what changes"`` (run from the
project folder; ``alembic.ini`` says where the migrations live) and read what it wrote before committing it.
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

HERE = Path(__file__).resolve().parent
FIRST = '0001'  # the tables as the first release of Hi-Lo made them, before Alembic came in


def upgrade(connection: Connection) -> None:
    """Bring the database behind ``connection`` to the newest schema, in the caller's transaction."""
    config = Config()
    config.set_main_option('script_location', str(HERE))
    config.attributes['connection'] = connection
    tables = set(inspect(connection).get_table_names())
    if 'score' in tables and 'alembic_version' not in tables:
        # Made by a release without migrations: its tables are exactly those of the first step, so record that
        # step as done instead of running it, and carry on from there.
        command.stamp(config, FIRST)
    command.upgrade(config, 'head')
