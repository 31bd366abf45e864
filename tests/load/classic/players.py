"""Simulated players for the classic reference app: the same players as tests/load/players.py, speaking its HTTP API.

A :class:`ClassicPlayer` does what the classic page's JavaScript does in a browser: it loads the page, joins, asks for
the top 10 every 2 seconds (``setInterval`` + ``fetch``) and sends each guess as a ``fetch`` POST. It plays like
:class:`tests.load.players.Player` (binary search, the same think times and pauses) and fills the same
:class:`~tests.load.players.Stats`, so the load generator's figures mean the same thing for both designs:
a round trip is a guess sent to its answer received, and a broadcast is a winning guess sent to the moment another
player's poll first returns the new score.
"""
from __future__ import annotations

import asyncio
import random
import time
from typing import Any

import httpx

from tests.load.browserless import BrowserTransport
from tests.load.players import Stats

POLL_SECONDS = 2.0  # the page's setInterval


class ClassicPlayer:
    """One simulated player with its own browser: one HTTP client, which keeps its cookie and its connections."""

    def __init__(self, number: int, *, url: str, max_number: int, rate: float, stats: Stats) -> None:
        """``rate`` guesses a second on average; 0 makes a player who opens the page and only watches the table."""
        self.name = f'bot {number}'
        self.url = url
        self.max_number = max_number
        self.rate = rate
        self.stats = stats
        self.seen: set[int] = set()  # score ids this page has shown
        self.polls: set[asyncio.Task[None]] = set()
        self.transport = BrowserTransport()

    async def run(self, until: float) -> None:
        """Play until the ``time.monotonic()`` value ``until``, recording errors instead of raising them."""
        try:
            async with httpx.AsyncClient(base_url=self.url, timeout=30, transport=self.transport) as http:
                arrived = time.monotonic()
                (await http.get('/')).raise_for_status()  # the page load
                await self._post(http, '/api/join', {'name': self.name, 'max_number': str(self.max_number)})
                self.seen = {row['id'] for row in await self._scores(http)}  # the table as the page first shows it
                self.stats.joins.append((arrived, time.monotonic() - arrived, 0.0))
                self.stats.connected += 1
                ticker = asyncio.create_task(self._tick(http, until))
                try:
                    if self.rate == 0:
                        await asyncio.sleep(max(0.0, until - time.monotonic()))
                    while time.monotonic() < until:
                        await self._play_round(http, until)
                finally:
                    ticker.cancel()
                    for poll in list(self.polls):
                        poll.cancel()
                    await asyncio.gather(ticker, *self.polls, return_exceptions=True)
        except Exception as error:
            self.stats.errors.append(f'{self.name}: {type(error).__name__}: {error}')

    async def _play_round(self, http: httpx.AsyncClient, until: float) -> None:
        low, high = 1, self.max_number
        while time.monotonic() < until:
            await asyncio.sleep(random.expovariate(self.rate))  # people do not guess in lockstep
            middle = (low + high) // 2
            sent_at = time.monotonic()
            reply = await self._post(http, '/api/guess', {'guess': str(middle)})
            self.stats.round_trips.append((sent_at, time.monotonic() - sent_at))
            if reply['answer'] == 'correct':
                self.stats.wins.append(time.monotonic())
                self.stats.win_sent_at[reply['score_id']] = sent_at
                await asyncio.sleep(random.uniform(0.5, 1.5) / self.rate)  # a moment to enjoy it
                await self._post(http, '/api/new-round', {})  # "Play again"
                return
            if reply['answer'] == 'higher':
                low = middle + 1
            elif reply['answer'] == 'lower':
                high = middle - 1
            else:
                raise AssertionError(f'unexpected answer {reply!r}')

    async def _tick(self, http: httpx.AsyncClient, until: float) -> None:
        # Like setInterval, a poll starts every 2 s whether or not the previous one has answered: a slow server
        # gets more requests at once, as it does from real pages.
        next_poll = time.monotonic() + POLL_SECONDS
        while next_poll < until:
            await asyncio.sleep(next_poll - time.monotonic())
            poll = asyncio.create_task(self._poll(http))
            self.polls.add(poll)
            poll.add_done_callback(self.polls.discard)
            next_poll += POLL_SECONDS

    async def _poll(self, http: httpx.AsyncClient) -> None:
        try:
            rows = await self._scores(http)
        except Exception as error:  # a failed poll is an error, and the next tick tries again, as in a browser
            self.stats.errors.append(f'{self.name}: polling: {type(error).__name__}: {error}')
            return
        now = time.monotonic()
        for row in rows:
            if row['id'] in self.seen:
                continue
            self.seen.add(row['id'])
            if not row['mine']:  # our own wins are timed from their answer, in _play_round
                self.stats.shown_at.setdefault(row['id'], []).append(now)

    async def _scores(self, http: httpx.AsyncClient) -> list[dict[str, Any]]:
        response = await http.get('/api/scores', params={'max_number': self.max_number})
        response.raise_for_status()
        rows: list[dict[str, Any]] = response.json()['rows']
        return rows

    async def _post(self, http: httpx.AsyncClient, path: str, body: dict[str, str]) -> dict[str, Any]:
        response = await http.post(path, json=body)
        if response.status_code != 200:
            raise RuntimeError(f'{path} answered {response.status_code}: {response.text[:200]}')
        reply: dict[str, Any] = response.json()
        return reply
