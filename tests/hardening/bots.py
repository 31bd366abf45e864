"""Players without a browser for the hardening tests: they speak NiceGUI's protocol (see tests/load/browserless.py)."""
from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path

import httpx

from tests.load.browserless import Page
from tests.load.players import sign_in


async def signed_in(http: httpx.AsyncClient, *, name: str, max_number: int, record: bool = False) -> Page:
    """Fill in the welcome form like a player and return the open game page."""
    page = Page(http, record=record)
    await sign_in(page, name=name, max_number=max_number)
    return page


async def guess(page: Page, text: str) -> str:
    """Type a guess and press Enter; the answer, or the message shown beside the box."""
    box, feedback = page.find(label='Your guess'), page.find(role='status')
    before = page.text(feedback)
    await page.type_into('Your guess', text)
    await page.wait_for(lambda: not page.props(box).get('error-message'))  # typing clears an earlier message
    await page.press_enter('Your guess')
    await page.wait_for(lambda: page.text(feedback) != before or bool(page.props(box).get('error-message')))
    return str(page.props(box).get('error-message') or page.text(feedback))


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
