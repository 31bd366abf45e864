"""Every change the game makes to the database goes through one writer, which groups them ("group commit").

A transaction costs far more than one more statement in it: on this stack a few statements' worth of CPU for the
transaction itself, whatever it holds. So the writer collects the changes that arrive within :data:`BATCH_DELAY`
seconds (guesses, wins, new rounds, from every player) and makes them in one transaction, in the order they
arrived. With a thousand guesses a second that is one transaction for about twenty of them. Nobody waits for it
needlessly: a page shows its answer at once, and a change that somebody waits for (a win, which is stored before
it is shown, or the round a page opens) is made at once, with whatever else is waiting by then.

The queries themselves live beside the tables they change (db/rounds.py, db/scores.py); each kind of change is a
function that does one or several of them on the writer's connection. Consecutive changes of the same kind are
handed over together, so that e.g. twenty guesses are stored by one statement.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from sqlalchemy.engine import Connection

from .engine import run

BATCH_DELAY = 0.02  # seconds a change may wait for others to share its transaction

# A kind of change: given the writer's connection and the changes of that kind that came one after the other,
# make them and return one result for each (a plain function: see db/engine.py, run).
Kind = Callable[[Connection, Sequence[Any]], Sequence[Any]]


@dataclass(frozen=True)
class _Change:
    kind: Kind
    payload: Any
    done: asyncio.Future[Any]


class Writer:
    """Makes queued changes in batches, one transaction per batch, in the order they were queued."""

    def __init__(self) -> None:
        self.waiting: list[_Change] = []
        self.task: asyncio.Task[None] | None = None
        self.hurry = False  # whether a change somebody waits for is among the waiting ones
        self.due: asyncio.Future[None] | None = None  # done when the waiting changes are to be made

    @property
    def busy(self) -> bool:
        """Whether changes are waiting or being made (the task runs exactly as long as that)."""
        return self.task is not None and not self.task.done()

    def queue(self, kind: Kind, payload: Any, *, awaited: bool = False) -> asyncio.Future[Any]:
        """Queue a change; the future is done (with the change's result) once its batch is committed.

        ``awaited``: somebody waits for this change (a player for their win), so its batch does not wait
        :data:`BATCH_DELAY` for others.
        """
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.waiting.append(_Change(kind, payload, done))
        if awaited:
            self.hurry = True
            if self.due is not None and not self.due.done():
                self.due.set_result(None)
        if not self.busy:
            self.task = asyncio.create_task(self._write_while_waiting())
        return done

    async def _write_while_waiting(self) -> None:
        loop = asyncio.get_running_loop()
        while self.waiting:
            if not self.hurry:
                self.due = loop.create_future()
                timer = loop.call_later(BATCH_DELAY, _settle, self.due)
                await self.due
                timer.cancel()
            batch, self.waiting, self.hurry = self.waiting, [], False
            try:
                results = await _write(batch)
            except Exception as error:
                for change in batch:
                    if not change.done.done():
                        change.done.set_exception(error)
                continue
            for change, result in zip(batch, results, strict=True):
                if not change.done.done():
                    change.done.set_result(result)


def _settle(due: asyncio.Future[None]) -> None:
    if not due.done():
        due.set_result(None)


def nothing(_connection: Connection, payloads: Sequence[Any]) -> Sequence[None]:
    """A change that changes nothing: queued, it is done once everything queued before it is."""
    return [None] * len(payloads)


async def _write(batch: list[_Change]) -> list[Any]:
    if all(change.kind is nothing for change in batch):
        return [None] * len(batch)  # no transaction for nothing
    return await run(_make, batch)


def _make(connection: Connection, batch: list[_Change]) -> list[Any]:
    results: list[Any] = []
    for kind, changes in groupby(batch, key=lambda change: change.kind):
        payloads = [change.payload for change in changes]
        done = kind(connection, payloads)
        assert len(done) == len(payloads), f'{kind.__name__} gave {len(done)} results for {len(payloads)} changes'
        results += done
    return results
