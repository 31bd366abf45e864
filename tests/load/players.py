"""Simulated players for the load generator: each one signs in, picks a range and plays by binary search, forever.

A player speaks the browser's protocol (see browserless.py) and measures what a person would feel:
the round trip of a guess (Enter sent to answer received) and, when a win makes a top 10, how long until every other
open page of that range shows the new table.
"""
from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from .browserless import BrowserTransport, Page

RANGE_LABEL = 'or any whole number from 10 to 1,000,000'


async def sign_in(page: Page, *, name: str, max_number: int, seconds: float = 10) -> None:
    """Fill in the welcome form as a player does (type both, press Enter) and wait for the game view it leads to."""
    await page.open('/')
    # Typing the range and leaving its box for the name box sends the range (the board below follows it); then
    # Enter sends the text of both boxes, in one message.
    await page.emit(page.find(label=RANGE_LABEL), 'change', str(max_number))
    await page.enter('Your name', name, str(max_number))
    await page.wait_for(lambda: page.path == '/play' and page.has(label='Your guess'), seconds)


def feedback_id(page: Page) -> str:
    """The status line that answers each guess (the board's news line is a status region too)."""
    return next(element_id for element_id, element in page.elements.items()
                if element.get('props', {}).get('role') == 'status' and 'hilo-news' not in element.get('class', []))


def narrowed(low: int, high: int, guess: int, answer: str) -> tuple[int, int]:
    """The numbers still possible after the answer to a guess that was not correct."""
    if 'too low' in answer:
        return guess + 1, high
    if 'too high' in answer:
        return low, guess - 1
    raise AssertionError(f'unexpected answer {answer!r}')


async def play_again(page: Page) -> float:
    """Press Enter in the guess box after a win, which starts the next round (the box is empty, so it sends '')."""
    return await page.enter('Press Enter to play again', '')


@dataclass
class Stats:
    """What the players of one generator process measured; times are time.monotonic() values and seconds."""

    connected: int = 0
    round_trips: list[tuple[float, float]] = field(default_factory=list)  # (when the guess was sent, round trip)
    wins: list[float] = field(default_factory=list)  # when each win was answered
    win_sent_at: dict[int, float] = field(default_factory=dict)  # score id -> when its winning guess was sent
    shown_at: dict[int, list[float]] = field(default_factory=dict)  # score id -> when other pages showed it
    # (when the player arrived, seconds until the game was on their screen, seconds of that spent in line)
    joins: list[tuple[float, float, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {'connected': self.connected, 'round_trips': self.round_trips, 'wins': self.wins,
                'win_sent_at': list(self.win_sent_at.items()), 'shown_at': list(self.shown_at.items()),
                'joins': self.joins, 'errors': self.errors}

    @staticmethod
    def from_json(data: dict[str, Any]) -> Stats:
        return Stats(connected=data['connected'], round_trips=[tuple(pair) for pair in data['round_trips']],
                     wins=data['wins'], win_sent_at=dict(data['win_sent_at']), shown_at=dict(data['shown_at']),
                     joins=[tuple(join) for join in data['joins']], errors=data['errors'])

    @staticmethod
    def merge(parts: list[Stats]) -> Stats:
        merged = Stats()
        for part in parts:
            merged.connected += part.connected
            merged.round_trips += part.round_trips
            merged.wins += part.wins
            merged.joins += part.joins
            merged.win_sent_at.update(part.win_sent_at)
            for score_id, moments in part.shown_at.items():
                merged.shown_at.setdefault(score_id, []).extend(moments)
            merged.errors += part.errors
        return merged


class Player:
    """One simulated player with its own browser session."""

    def __init__(self, number: int, *, url: str, max_number: int, rate: float, stats: Stats) -> None:
        """``rate`` guesses a second on average; 0 makes a player who opens the game page and only watches."""
        self.name = f'bot {number}'
        self.url = url
        self.max_number = max_number
        self.rate = rate
        self.stats = stats
        self.sent_at: float | None = None  # when the guess now waiting for its answer was sent
        self.answered_sent_at: float | None = None  # when the guess answered last was sent
        self.table_id = ''
        self.feedback_id = ''
        self.seen_rows: set[int] = set()

    async def run(self, until: float) -> None:
        """Play until the ``time.monotonic()`` value ``until``, recording errors instead of raising them."""
        try:
            async with httpx.AsyncClient(base_url=self.url, timeout=30, transport=BrowserTransport()) as http:
                page = Page(http, on_update=self._on_update)
                try:
                    await self._sign_in(page)
                    self.stats.connected += 1
                    if self.rate == 0:
                        await asyncio.sleep(max(0.0, until - time.monotonic()))
                    while time.monotonic() < until:
                        await self._play_round(page, until)
                finally:
                    await page.close()
        except Exception as error:
            self.stats.errors.append(f'{self.name}: {type(error).__name__}: {error}')

    async def _sign_in(self, page: Page) -> None:
        arrived = time.monotonic()
        await sign_in(page, name=self.name, max_number=self.max_number)
        self.stats.joins.append((arrived, time.monotonic() - arrived, page.waited))
        self.table_id = page.find(tag='nicegui-table')
        self.feedback_id = feedback_id(page)
        self.seen_rows = {row['id'] for row in page.props(self.table_id).get('rows', [])}

    async def _play_round(self, page: Page, until: float) -> None:
        low, high = self._possible(page)
        while time.monotonic() < until:
            await asyncio.sleep(random.expovariate(self.rate))  # people do not guess in lockstep
            middle = (low + high) // 2
            before = page.text(self.feedback_id)
            self.sent_at = await page.enter('Your guess', str(middle))
            await page.wait_for(lambda before=before: page.text(self.feedback_id) != before)  # type: ignore[misc]
            answer = page.text(self.feedback_id)
            if 'correct' in answer:
                self.stats.wins.append(time.monotonic())
                await asyncio.sleep(random.uniform(0.5, 1.5) / self.rate)  # a moment to enjoy it
                await play_again(page)
                await page.wait_for(lambda: page.text(self.feedback_id).startswith('Type a guess'))
                return
            low, high = narrowed(low, high, middle, answer)

    def _possible(self, page: Page) -> tuple[int, int]:
        # The line below the answer is one HTML element, a <span> per part (see ui/game_panel.py).
        for element_id in page.elements:
            found = re.search(r'Still possible: ([\d,]+)–([\d,]+)', str(page.props(element_id).get('innerHTML', '')))
            if found:
                return int(found[1].replace(',', '')), int(found[2].replace(',', ''))
        raise LookupError(f'no "Still possible" on {page.path}')

    def _on_update(self, page: Page, update: dict[str, Any]) -> None:
        now, sent_at = time.monotonic(), self.sent_at
        if self.table_id in update and update[self.table_id] is not None:
            for row in update[self.table_id].get('props', {}).get('rows', []):
                if row['id'] in self.seen_rows:
                    continue
                self.seen_rows.add(row['id'])
                if row.get('mine'):  # our own win: its new row comes with the answer, or soon after it
                    self.stats.win_sent_at[row['id']] = sent_at or self.answered_sent_at or now
                else:
                    self.stats.shown_at.setdefault(row['id'], []).append(now)
        if sent_at is not None and self.feedback_id in update:
            self.stats.round_trips.append((sent_at, now - sent_at))
            self.sent_at, self.answered_sent_at = None, sent_at
