"""The database layer of the learner's window (ui/how_it_works.py): which SQL statements ran for a player's action,
with their parameters and how long each took, taken from SQLAlchemy's cursor events.

Nothing here runs while no window is open: :func:`start` adds the listeners when the first window opens and
:func:`stop` removes them when the last one closes (see ``engine.listen``).

How a statement finds its action. The window runs the action's handler inside :func:`recording`. A change that the
handler queues for the writer (db/writer.py), itself or in a task it starts (a win is stored by one), is noted with
the action's :class:`Recording` and the batch it joined. Until that change is stored, a statement whose parameters
name the action's round or player (``round_id``, ``player_id``) is the action's; a statement without either (the
rank and the top 10 read after a win) belongs to whoever the statement before it in the same transaction belonged
to. Other players' changes share the transaction: the recording says how many, never what they were. A parameter
named ``secret`` is never kept: a win deals the next round, and that round's secret is in the same transaction.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy.engine import Connection

from . import engine, rounds
from .writer import Kind, Writer, nothing

HIDDEN = '(the secret: never shown)'
NAMES = ('round_id', 'player_id')  # the parameters that say whose a statement is


@dataclass(frozen=True)
class Statement:
    """One SQL statement as the database ran it, with this action's values for its ``?`` marks, in order."""

    sql: str
    parameters: dict[str, Any]
    rows: int  # how many rows the statement was run for ("executemany"): other players' rows are not kept
    started: float  # time.perf_counter()
    seconds: float


@dataclass(eq=False)
class Recording:
    """What the database did for one action of a player on one round; filled in as it happens."""

    round_id: int | None
    player_id: str
    statements: list[Statement] = field(default_factory=list)
    queued: float | None = None  # when the action's first change was queued (time.perf_counter())
    stored: float | None = None  # when its last change was committed
    shared_with: int = 0  # changes of other players in the same transaction
    waiting: int = 0  # changes queued and not stored yet
    on_stored: Callable[[], None] | None = None  # told when the last change is stored

    @property
    def keys(self) -> tuple[tuple[str, Any], ...]:
        return ('round_id', self.round_id), ('player_id', self.player_id)


_current: ContextVar[Recording | None] = ContextVar('hilo_recording', default=None)
_following: dict[tuple[str, Any], Recording] = {}  # round and player ids with a change on its way


@dataclass
class _Watching:
    database: object  # the open database (engine._database) the listeners were added to
    writer: Writer
    loop: asyncio.AbstractEventLoop
    windows: int = 0


_watching: _Watching | None = None


async def start() -> None:
    """A window opened: note statements from now on (the first window adds the listeners)."""
    global _watching  # noqa: PLW0603  (one set of listeners for all windows)
    if _watching is not None and _watching.database is not engine._database:
        _watching = None  # the database was closed and opened again since (tests do): its listeners went with it
    if _watching is not None:
        _watching.windows += 1
        return
    writer = rounds.writer()
    # Counted before the listeners are added: a window that closes meanwhile removes them after they are added.
    _watching = _Watching(engine._database, writer, asyncio.get_running_loop(), windows=1)
    writer.queue = partial(_queue, writer)  # type: ignore[method-assign]
    await engine.listen(_LISTENERS)


async def stop() -> None:
    """A window closed: the last one removes the listeners, so that a closed window costs nothing."""
    global _watching  # noqa: PLW0603
    watching = _watching
    if watching is None or watching.database is not engine._database:
        return
    watching.windows -= 1
    if watching.windows == 0:
        _watching = None
        vars(watching.writer).pop('queue', None)
        _following.clear()
        await engine.listen(_LISTENERS, add=False)


def is_watching() -> bool:
    """Whether any window is open, so that statements are being looked at."""
    return _watching is not None and _watching.database is engine._database


@contextmanager
def recording(action: Recording) -> Iterator[None]:
    """Changes queued inside this block (or by tasks started in it) are ``action``'s."""
    token = _current.set(action)
    try:
        yield
    finally:
        _current.reset(token)


def _queue(writer: Writer, kind: Kind, payload: Any, *, awaited: bool = False) -> asyncio.Future[Any]:
    # The writer's own queue, and a note for the action whose handler (or task) queued the change.
    done = Writer.queue(writer, kind, payload, awaited=awaited)
    action = _current.get()
    if action is not None and kind is not nothing:
        batch = writer.waiting  # the list the change just joined, which becomes its batch (db/writer.py)
        action.waiting += 1
        action.queued = action.queued or time.perf_counter()
        for key in action.keys:
            _following[key] = action
        done.add_done_callback(partial(_stored, action, batch))
    return done


def _stored(action: Recording, batch: Sequence[Any], _done: asyncio.Future[Any]) -> None:
    action.waiting -= 1
    action.stored = time.perf_counter()
    action.shared_with += sum(1 for change in batch if change.kind is not nothing) - 1
    if action.waiting == 0:
        for key in action.keys:
            if _following.get(key) is action:
                del _following[key]
        if action.on_stored is not None:
            action.on_stored()


# The listeners run where the statements run (SQLite's thread); what they find goes to the event loop at the end of
# the transaction, before the writer hears that it is stored.

def _before(connection: Connection, *_: Any) -> None:
    connection.info['hilo.started'] = time.perf_counter()


def _after(connection: Connection, _cursor: Any, sql: str, _parameters: Any, context: Any, _many: bool) -> None:
    ended = time.perf_counter()
    started = connection.info.pop('hilo.started', ended)
    rows: list[dict[str, Any]] = getattr(context, 'compiled_parameters', None) or []
    found: dict[Recording, dict[str, Any]] = {}
    named = False
    for row in rows:
        for name in NAMES:
            if name in row:
                named = True
                action = _following.get((name, row[name]))
                if action is not None:
                    found.setdefault(action, row)
    if named:
        connection.info['hilo.owners'] = tuple(found)
    else:  # e.g. the rank after a win: whoever had the statement before it in this transaction
        found = {action: rows[0] if rows else {} for action in connection.info.get('hilo.owners', ())}
    if not found:
        return
    order = getattr(getattr(context, 'compiled', None), 'positiontup', None)
    pending = connection.info.setdefault('hilo.pending', [])
    for action, row in found.items():
        values = {name: HIDDEN if name == 'secret' else row[name] for name in order or row if name in row}
        pending.append((action, Statement(sql, values, len(rows), started, ended - started)))


def _end(connection: Connection) -> None:
    pending = connection.info.pop('hilo.pending', None)
    connection.info.pop('hilo.owners', None)
    if pending and _watching is not None:
        _watching.loop.call_soon_threadsafe(_deliver, pending)


def _deliver(pending: list[tuple[Recording, Statement]]) -> None:
    for action, statement in pending:
        action.statements.append(statement)


_LISTENERS: dict[str, Callable[..., Any]] = {
    'before_cursor_execute': _before, 'after_cursor_execute': _after, 'commit': _end, 'rollback': _end,
}
