"""The secret never reaches the browser before the win: not in the page, not in any websocket message."""
from __future__ import annotations

import json
import re
from pathlib import Path

import httpx

from tests.load.browserless import Page
from tests.load.players import feedback_id
from tests.server import Server

from .bots import guess, open_game, open_round, player_id, signed_in


def mentions(text: str, number: int) -> bool:
    """Whether ``text`` holds ``number`` on its own (as 123456 or 123,456), not as part of a longer number."""
    return any(re.search(rf'(?<![\w,.]){re.escape(form)}(?![\w,])', text) for form in {str(number), f'{number:,}'})


async def test_the_secret_is_in_no_page_and_no_message_before_the_win(tmp_path: Path) -> None:
    with Server(tmp_path / 'data') as server:
        async with httpx.AsyncClient(base_url=server.url) as http:
            page = await signed_in(http, name='Curious', max_number=1_000_000)
            secret, _ = open_round(server.data_dir / 'hilo.sqlite3', player_id(http))
            # Guesses that are not the secret nor next to it: the page may show them, and the range between them.
            guesses = [number for number in (500_000, 250_000, 750_000, 3, 999_998) if abs(number - secret) > 1]
            for number in guesses[:4]:
                assert 'correct' not in await guess(page, str(number))
            assert await open_game(page)  # a reload: the page as it is built for a returning player
            assert 'Welcome back' in page.text(feedback_id(page))
            everything_before_the_win = json.dumps(page.received)

            assert (await guess(page, str(secret))).startswith(f'{secret:,} is correct: you got it in ')
            everything_after_the_win = json.dumps(page.received)
            await page.close()

    assert len(page.received) > 10  # pages, updates and script calls were all recorded
    assert not mentions(everything_before_the_win, secret)
    assert mentions(everything_after_the_win, secret)  # the check does find the secret once it is shown


async def test_the_learners_window_shows_the_secret_in_no_message_before_the_win(tmp_path: Path) -> None:
    with Server(tmp_path / 'data') as server:
        async with httpx.AsyncClient(base_url=server.url) as http:
            page = await signed_in(http, name='Curious', max_number=1_000_000)
            await open_window(page)
            secret, _ = open_round(server.data_dir / 'hilo.sqlite3', player_id(http))
            guesses = [number for number in (500_000, 250_000, 750_000, 3, 999_998) if abs(number - secret) > 1]
            for number in guesses[:4]:
                assert 'correct' not in await guess(page, str(number))
            await page.wait_for(lambda: shown(page, '#4 · ') is not None)  # the window shows all four guesses
            assert 'UPDATE active_round' in str(shown(page, '#4 · '))
            everything_before_the_win = json.dumps(page.received)

            assert (await guess(page, str(secret))).startswith(f'{secret:,} is correct: you got it in ')
            await page.wait_for(lambda: shown(page, '#5 · Win') is not None)
            next_secret, _ = open_round(server.data_dir / 'hilo.sqlite3', player_id(http))
            win = str(shown(page, '#5 · Win'))
            everything_after_the_win = json.dumps(page.received)
            await page.close()

    assert not mentions(everything_before_the_win, secret)
    assert 'DELETE FROM active_round' in win  # the win check, with the secret in it, comes after the win
    assert mentions(win, secret)
    assert 'INSERT INTO active_round' in win  # the next round, dealt in the same transaction...
    assert not mentions(everything_after_the_win, next_secret)  # ...whose secret reaches the browser nowhere


async def open_window(page: Page) -> None:
    """Switch on "How it works", as a click on the switch does, and wait for the window."""
    await page.emit(page.find(text='How it works'), 'update:modelValue', True)
    await page.wait_for(lambda: page.has(text='Nothing yet.'))


def shown(page: Page, start: str) -> str | None:
    """The HTML of the window's entry whose summary starts with ``start``, if the page shows it."""
    entries = (element.get('props', {}) for element in page.elements.values())
    return next((props['innerHTML'] for props in entries
                 if props.get('tag') == 'article' and f'<summary>{start}' in props.get('innerHTML', '')), None)
