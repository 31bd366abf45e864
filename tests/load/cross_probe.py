"""A probe for the cluster benchmark: how long a win on one instance takes to show on the pages of another.

Watchers keep the game page of a range of their own open on one instance; winners, each a new player, win a round of
that range on another instance, one after the other. Each win is a new top-10 score (the board holds fewer than ten),
so each travels: winner's instance -> Redis -> watchers' instance -> the watchers' pages. The latency of one win is
from the winning guess being sent until the last watcher shows the new row. With one instance, winners and watchers
share it: the same figure without the trip between instances.

It speaks the browser's protocol through tests/load/browserless.py (``Page``); the few steps of a player it needs are
written here, so that it does not depend on the load generator's players (tests/load/players.py).
"""
from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import httpx

from .browserless import Page
from .players import feedback_id, narrowed, sign_in

RANGE = 10  # a range the load generator's players do not play, so that its board changes only with the probe's wins
WINS = 10  # at most ten: each must enter the top 10


async def win_round(page: Page) -> float:
    """Play the round by binary search; returns when the winning guess was sent (time.monotonic)."""
    low, high, answer_id = 1, RANGE, feedback_id(page)
    while True:
        middle = (low + high) // 2
        before = page.text(answer_id)
        sent = await page.enter('Your guess', str(middle))
        await page.wait_for(lambda before=before: page.text(answer_id) != before, seconds=30)  # type: ignore[misc]
        answer = page.text(answer_id)
        if 'correct' in answer:
            return sent
        low, high = narrowed(low, high, middle, answer)


class Watcher:
    """An open game page of the probe's range that notes when each name first appears on its board."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.page = Page(http, on_update=self._on_update)
        self.table = ''
        self.seen: dict[str, float] = {}

    async def open(self, name: str) -> None:
        await sign_in(self.page, name=name, max_number=RANGE, seconds=30)
        self.table = self.page.find(tag='nicegui-table')

    async def shows(self, name: str, seconds: float = 10) -> None:
        """Wait until the board shows ``name``; TimeoutError after ``seconds``."""
        await self.page.wait_for(lambda: name in self.seen, seconds)

    def _on_update(self, page: Page, update: dict[str, Any]) -> None:
        now = time.monotonic()
        if self.table and update.get(self.table):
            for row in update[self.table].get('props', {}).get('rows', []):
                self.seen.setdefault(row['name'], now)


async def across(*, winners_url: str, watchers_url: str, start: float, until: float,
                 watchers: int = 2) -> tuple[list[float], int]:
    """From ``start`` to ``until`` (time.monotonic values), up to ten wins on ``winners_url``, spread out; returns
    how many seconds each took to reach the last of the watchers on ``watchers_url``, and how many wins never did
    (within 10 s)."""
    clients = [httpx.AsyncClient(base_url=watchers_url, timeout=30) for _ in range(watchers)]
    watching = [Watcher(http) for http in clients]
    latencies: list[float] = []
    missed = 0
    try:
        for number, watcher in enumerate(watching):
            await watcher.open(f'watcher {number}')
        await asyncio.sleep(max(0.0, start - time.monotonic()))
        gap = (until - start) / WINS
        for number in range(WINS):
            if time.monotonic() + 3 > until:
                break
            name = f'probe {number}'
            async with httpx.AsyncClient(base_url=winners_url, timeout=30) as http:
                winner = Page(http)
                await sign_in(winner, name=name, max_number=RANGE, seconds=30)
                sent = await win_round(winner)
                with contextlib.suppress(TimeoutError):
                    await asyncio.gather(*(watcher.shows(name) for watcher in watching))
                if all(name in watcher.seen for watcher in watching):
                    latencies.append(max(watcher.seen[name] for watcher in watching) - sent)
                else:
                    missed += 1
                await winner.close()
            await asyncio.sleep(max(0.0, start + gap * (number + 1) - time.monotonic()))
    finally:
        for watcher, http in zip(watching, clients, strict=True):
            await watcher.page.close()
            await http.aclose()
    return latencies, missed
