"""Fixtures shared by every kind of test."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import db


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Path]:
    """A fresh, real SQLite file for one test, opened the way main.py opens it."""
    path = tmp_path / 'hilo.sqlite3'
    db.start(path)
    yield path
    await db.stop()
