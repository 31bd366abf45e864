"""API tests: the real server (``python main.py``) on a database filled with known scores, asked over HTTP."""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update

import db
from db.engine import run
from db.models import ACTIVE_ROUND_TABLE
from tests.server import Server
from tests.wins import store_score, win_round

SECRET = 918_273  # the secret of a round in progress, which no answer may contain (no efficiency has its digits)
NOBODY = 999  # an id no score has


@dataclass(frozen=True)
class Seeded:
    """What the server's database holds: the ids of some of its scores."""

    by_misses: list[int]  # p0 ... p11 in 1–100, with 0 ... 11 wrong guesses before the right one
    ada: int  # Ada's win of 1–1,000 in 3 guesses: an efficiency of 10/3, between P1's 7/2 and P2's 7/3
    odd: int  # Cy's win of 1–37 in 2 guesses: 6/2
    old: int  # a score stored before replays: it has no guesses


@pytest.fixture(scope='module')
def seeded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Seeded]]:
    """One server for the module, on a database filled through the game's own db functions before it starts."""
    data_dir = tmp_path_factory.mktemp('api') / 'data'
    seeded = asyncio.run(_seed(data_dir / 'hilo.sqlite3'))
    with Server(data_dir) as server:
        yield server, seeded


@pytest.fixture(scope='module')
def server(seeded_server: tuple[Server, Seeded]) -> Server:
    """The running server."""
    return seeded_server[0]


@pytest.fixture(scope='module')
def seeded(seeded_server: tuple[Server, Seeded]) -> Seeded:
    """The ids of the scores the server's database holds."""
    return seeded_server[1]


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    """An HTTP client for the server, as any program would use it."""
    with httpx.Client(base_url=server.url, timeout=10) as http:
        yield http


async def _seed(path: Path) -> Seeded:
    db.start(path)
    try:
        by_misses = []
        for misses in range(12):
            win = await win_round(player_id=f'p{misses}', name=f'P{misses}', misses=misses, seconds=misses)
            by_misses.append(win.score.id)
        ada = await win_round(player_id='ada', name='Ada', max_number=1000, misses=2)
        odd = await win_round(player_id='cy', name='Cy', max_number=37, misses=1)
        old = await store_score(player_id='old', name='Old Timer', guesses=20, time_ms=90_000)
        active = await db.resume_or_start_round(player_id='watcher', max_number=1_000_000)
        await run(lambda connection: connection.execute(
            update(ACTIVE_ROUND_TABLE).where(ACTIVE_ROUND_TABLE.c.id == active.id).values(secret=SECRET)))
    finally:
        await db.stop()
    return Seeded(by_misses=[_id(score_id) for score_id in by_misses], ada=_id(ada.score.id), odd=_id(odd.score.id),
                  old=_id(old.id))


def _id(score_id: int | None) -> int:
    assert score_id is not None, 'a stored score has its id'
    return score_id
