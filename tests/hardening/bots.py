"""Players without a browser for the hardening tests: they speak NiceGUI's protocol (see tests/load/browserless.py)."""
from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path

import httpx

from tests.load.browserless import Page
from tests.load.players import feedback_id, sign_in


async def signed_in(http: httpx.AsyncClient, *, name: str, max_number: int) -> Page:
    """Fill in the welcome form like a player and return the open game page, recording every message it gets."""
    page = Page(http, record=True)  # guess() reads what came back
    await sign_in(page, name=name, max_number=max_number)
    return page


async def open_game(page: Page) -> bool:
    """Open ``/play`` (as a reload or a return does) and wait for the game view; ``False`` if the page sent the
    player to the welcome view instead (no name remembered)."""
    await page.open('/play')
    await page.wait_for(lambda: page.has(label='Your guess') or page.path == '/')
    return page.path == '/play'


async def guess(page: Page, text: str) -> str:
    """Type a guess and press Enter; the answer, or the message shown beside the box."""
    feedback = feedback_id(page)
    before, shown = page.text(feedback), len(page.received)
    box = page.find(label='Your guess')
    await page.enter('Your guess', text)
    # The answer comes in one update: a new answer, or the box with a message beside it (perhaps the same as before).
    await page.wait_for(lambda: page.text(feedback) != before or box not in page.elements
                        or any(kind == 'update' and box in data for kind, data in page.received[shown:]))
    message = page.props(box).get('error-message') if box in page.elements else None
    return str(message or page.text(feedback))


def player_id(http: httpx.AsyncClient) -> str:
    """The player id NiceGUI keeps in the signed session cookie (its payload is plain base64 JSON)."""
    payload = http.cookies['session'].split('.')[0]
    return str(json.loads(base64.b64decode(payload + '=' * (-len(payload) % 4)))['id'])


def open_round(database: Path, player: str) -> tuple[int, str]:
    """The secret and the stored guesses of a player's round in progress, straight from the database file."""
    with sqlite3.connect(database) as connection:
        (secret, guesses), = connection.execute('SELECT secret, guesses FROM active_round WHERE player_id = ?',
                                                 (player,)).fetchall()
    return int(secret), str(guesses)


def scores(database: Path) -> list[tuple[str, int]]:
    """Every stored score as (name, guesses)."""
    with sqlite3.connect(database) as connection:
        return [(str(name), int(count)) for name, count in connection.execute('SELECT name, guesses FROM score')]
