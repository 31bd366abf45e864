"""Domain events: news that the data layer sends up to every open page.

A page never reaches into another page. When a win changes a top 10, the page that recorded it emits one
``top_ten_changed`` event carrying the new rows; every score board on every open page subscribes and decides for
itself whether the news concerns it (same range) and what to show. Nobody re-queries the database for it.

News that goes to every open page at once can also be heard :class:`InTurns`, so that the server keeps answering
guesses while a thousand pages take it in.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from nicegui import Event

from db import Score

T = TypeVar('T')
TURNS = 16  # groups of subscribers of an event heard in turns, each group in a pass of its own of the event loop


class InTurns(Generic[T]):
    """An event whose subscribers hear it in :data:`TURNS` groups, one group per pass of the event loop.

    NiceGUI's ``Event.emit`` calls every subscriber before anything else happens. A thousand pages updating a label
    take 50–100 ms, and for that long no guess is answered. Here the subscribers are split into groups (by the hash
    of the callback, so the same callback is always in the same group), and each group hears the news in its own
    pass of the event loop: between two groups the server reads its sockets and answers the guesses waiting there.
    Every subscriber hears every emission once, in the order they were emitted, at most :data:`TURNS` passes late.
    """

    def __init__(self) -> None:
        self.groups: list[Event[T]] = [Event() for _ in range(TURNS)]
        self._last: asyncio.Future[None] | None = None  # done when the last emission has reached every group

    def subscribe(self, callback: Callable[[T], Any], **options: Any) -> None:
        """Hear this event (until the page of the element subscribing is gone, as with NiceGUI's ``Event``; the
        options are those of ``Event.subscribe``)."""
        self._group(callback).subscribe(callback, **options)

    def unsubscribe(self, callback: Callable[[T], Any]) -> None:
        """Stop hearing this event."""
        self._group(callback).unsubscribe(callback)

    def emit(self, value: T) -> None:
        """Tell the first group now and every other group in a later pass of the event loop."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no server running (a script): nobody is waiting for an answer, tell them all now
            for group in self.groups:
                group.emit(value)
            return
        self._last = loop.create_future()
        self._emit_from(0, value, self._last)

    async def heard(self) -> None:
        """Wait until every subscriber has heard every emission made so far (they go round in order, so the last
        one to be made is the last one to be heard)."""
        last = self._last
        if last is not None and not last.done() and last.get_loop() is asyncio.get_running_loop():
            await asyncio.shield(last)

    def _emit_from(self, turn: int, value: T, done: asyncio.Future[None]) -> None:
        self.groups[turn].emit(value)
        if turn + 1 < len(self.groups):
            # call_soon runs in the next pass, after the sockets that are ready have been read.
            asyncio.get_running_loop().call_soon(self._emit_from, turn + 1, value, done)
        elif not done.done():
            done.set_result(None)

    def _group(self, callback: Callable[[T], Any]) -> Event[T]:
        return self.groups[hash(callback) % len(self.groups)]


@dataclass(frozen=True, kw_only=True)
class TopTenChange:
    """A range's top 10 after a win that entered it."""

    max_number: int
    top_ten: list[Score]
    winner: Score


top_ten_changed: InTurns[TopTenChange] = InTurns()
