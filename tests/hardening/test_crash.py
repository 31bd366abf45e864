"""Crashes and restarts: killed with SIGKILL mid-game, the server loses no acknowledged win and resumes every round.

Players without a browser (tests/load/browserless.py) win rounds in a loop while the server is killed at random
moments and started again on the same data folder. A win counts as acknowledged when the player saw "... is
correct!", which the server shows only after the score is stored. A guess is answered before it is stored (it is
written with others a few milliseconds later), so a crash may cost a round its last guess, never its secret.
"""
from __future__ import annotations

import asyncio
import contextlib
import random
import re
import signal
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.load.browserless import Page
from tests.load.players import feedback_id, play_again
from tests.server import Server, free_port

from .bots import guess, open_game, open_round, player_id, signed_in

HISTORY_ITEM = re.compile(r'>([\d,]+) (?:↑ (higher)|↓ (lower)|✓ (correct))<')
KILLS = 20


@dataclass
class Player:
    """A player who keeps winning 1–10 rounds, and remembers what the server acknowledged."""

    name: str
    url: str
    wins: list[int] = field(default_factory=list)  # the guess counts of acknowledged wins
    history: list[tuple[int, str]] = field(default_factory=list)  # acknowledged guesses of the current round
    pending: int | None = None  # a guess sent whose answer never came
    resumed: int = 0  # rounds found again after a crash, with at least one guess in them
    problems: list[str] = field(default_factory=list)

    async def play(self, stop: asyncio.Event) -> None:
        async with httpx.AsyncClient(base_url=self.url, timeout=3) as http:
            page: Page | None = None
            while not stop.is_set():
                try:
                    if page is None:
                        page = await self._open(http)
                    await self._guess(page)
                except Exception:
                    if page is not None:
                        with contextlib.suppress(Exception):
                            await page.close()
                    page = None
                    await asyncio.sleep(0.2)
            if page is not None:
                await page.close()

    async def _open(self, http: httpx.AsyncClient) -> Page:
        page = Page(http, record=True)
        if not await open_game(page):  # the remembered name was lost with the crash: sign in again
            await page.close()
            page = await signed_in(http, name=self.name, max_number=10)
        shown = shown_history(page)
        # Allowed: the round as acknowledged, or without its last guess (answered, then lost before it was stored),
        # or with the guess that got no answer (stored, but the server was killed before its answer left: seen
        # under load), or a new round if that guess may have been the secret (won, stored, never shown).
        low, high = self._possible()
        may_have_won = self.pending is not None and low <= self.pending <= high
        stored_unanswered = self.pending is not None and shown[:-1] == self.history and shown[-1:] != [] and \
            shown[-1][0] == self.pending
        if shown not in (self.history, self.history[:-1]) and not (shown == [] and may_have_won) and \
                not stored_unanswered:
            self.problems.append(f'{self.name} resumed {shown} after acknowledged {self.history}')
        self.pending = None
        if shown:
            self.resumed += 1
        self.history = shown
        return page

    def _possible(self) -> tuple[int, int]:
        low = max([number + 1 for number, said in self.history if said == 'higher'], default=1)
        high = min([number - 1 for number, said in self.history if said == 'lower'], default=10)
        return low, high

    async def _guess(self, page: Page) -> None:
        low, high = self._possible()
        if low > high:
            self.problems.append(f'{self.name}: the answers contradict each other: {self.history}')
            raise AssertionError
        number = self.pending = (low + high) // 2
        answer = await guess(page, str(number))
        self.pending = None
        if 'correct' in answer:
            self.wins.append(len(self.history) + 1)
            self.history = []
            await play_again(page)
            await page.wait_for(lambda: page.text(feedback_id(page)).startswith('Type a guess'))
        elif 'too low' in answer or 'too high' in answer:
            self.history.append((number, 'higher' if 'too low' in answer else 'lower'))
        else:
            self.problems.append(f'{self.name}: unexpected answer {answer!r} after {self.history}')


def shown_history(page: Page) -> list[tuple[int, str]]:
    """The earlier guesses a game page shows, with their answers."""
    # The game's progress element: the count, what is still possible and the clock, then the list of guesses so far
    # (<ul aria-label="Your guesses so far">, left out while there are none).
    progress = next(html for html in (str(element.get('props', {}).get('innerHTML', ''))
                                      for element in page.elements.values()) if '<span>Guesses: ' in html)
    _, has_list, listed = progress.partition('aria-label="Your guesses so far"')
    return [(int(number.replace(',', '')), next(answer for answer in answers if answer))
            for number, *answers in HISTORY_ITEM.findall(listed)] if has_list else []


async def test_no_acknowledged_win_is_lost_and_rounds_resume_after_sigkill(tmp_path: Path) -> None:
    server = Server(tmp_path / 'data', port=free_port())
    players = [Player(f'Player {number}', server.url) for number in range(4)]
    stop = asyncio.Event()
    playing = [asyncio.create_task(player.play(stop)) for player in players]
    for _ in range(KILLS):
        await asyncio.to_thread(server.start)
        await asyncio.sleep(random.uniform(0.5, 2.0))  # players guess and win; then, at a random moment:
        assert server.kill() == -9
    await asyncio.to_thread(server.start)
    await asyncio.sleep(1)
    stop.set()
    await asyncio.gather(*playing)
    server.stop()

    database = server.data_dir / 'hilo.sqlite3'
    with sqlite3.connect(database) as connection:
        assert connection.execute('PRAGMA integrity_check').fetchall() == [('ok',)]
        stored = Counter(connection.execute('SELECT name, guesses FROM score').fetchall())
    acknowledged = Counter((player.name, count) for player in players for count in player.wins)
    assert sum(acknowledged.values()) >= KILLS  # the test did see many wins
    assert not acknowledged - stored  # every acknowledged win is stored
    assert [problem for player in players for problem in player.problems] == []
    assert sum(player.resumed for player in players) >= 5  # and rounds in progress were found again


@pytest.mark.parametrize('signal_number', [signal.SIGTERM, signal.SIGINT], ids=['SIGTERM', 'Ctrl+C'])
async def test_a_stop_signal_stores_every_answered_guess_and_exits_0_in_one_line(tmp_path: Path,
                                                                                signal_number: signal.Signals) -> None:
    server = Server(tmp_path / 'data')
    try:
        await asyncio.to_thread(server.start)
        async with httpx.AsyncClient(base_url=server.url) as http:
            page = await signed_in(http, name='Last words', max_number=1_000_000)
            secret, _ = open_round(server.data_dir / 'hilo.sqlite3', player_id(http))
            numbers = [number for number in (500_000, 250_000, 750_000, 125_000, 875_000) if number != secret][:4]
            for number in numbers:
                assert 'too' in await guess(page, str(number))
            # Right after the last answer, while its guess may still be on its way.
            assert server.stop(signal_number=signal_number) == 0
            await page.close()
            cookies = http.cookies
        # What a host (or the player at the terminal) sees: the start, and one line for the stop; no traceback.
        assert server.log.read_text().splitlines() == [f'NiceGUI ready to go on {server.url}', 'hilo: stopped']
        await asyncio.to_thread(server.start)
        async with httpx.AsyncClient(base_url=server.url, cookies=cookies) as http:
            resumed = Page(http)
            assert await open_game(resumed)
            shown = [number for number, _ in shown_history(resumed)]
            await resumed.close()
        assert server.stop() == 0
        assert shown == numbers  # all four answered guesses were stored, the last one during the shutdown
        assert 'Traceback' not in server.log.read_text()
    finally:
        server.stop()  # (already stopped unless an assertion failed on the way: then it is not left running)
