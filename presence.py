"""Who is playing now: how many open game views each range has, counted live, with no timer on any page.

A game view counts while it is open on a connected page: from when its page connects (or, for a view opened inside
an already connected page, from when it opens) until the view closes (the player goes to another view), the page's
connection drops, or the page is gone. A reconnected page counts again.

What the rest of the game uses, and all that a version shared between servers (through Redis) has to provide:

- ``playing(max_number) -> int``: how many are playing that range now;
- ``counts() -> dict[int, int]``: the same for every range that has players;
- ``changed: InTurns[int]``: emitted with a range whose count changed, and heard by the pages in turns (see
  events.py: a school of 1,000 on one range is a thousand label updates, 70–80 ms of the server's time, which in one
  go would hold up every guess). A class of 300 arriving at once would otherwise send every open page 300 updates
  each, so a range's news goes out at most once every :data:`INTERVAL` seconds:
  the first change at once, later ones together when the interval is over. The more pages show a range's count, the
  longer its interval, so that the updates it costs stay under :data:`UPDATES_PER_SECOND`, but never longer than
  :data:`LONGEST`: a class of 300 on one range sees its count change every 3 s while it arrives, and a school of
  1,000 every 5 s (200 updates a second then), instead of sending 2,000 updates a second. Each update is a message
  to a page, about 70 µs of the server's time: at 200 a second instead of 100, a class arriving at ten a second
  cost each newcomer 0.7 ms more (the benchmark's join-cost, runs taken in turn).

The counts kept here are this server's own; ``sit``/``leave`` are how a page reports its game view opening and
closing (``ui/playing.py`` does it), and ``install()`` starts the counting (main.py).
"""
from __future__ import annotations

import asyncio
from collections import Counter

from nicegui import Client, app

from events import InTurns

INTERVAL = 0.5  # seconds: a range's count is sent out at most this often...
UPDATES_PER_SECOND = 100  # ...and less often when that would send its pages more updates a second than this...
LONGEST = 5.0  # ...but a count shown is never older than this many seconds

changed: InTurns[int] = InTurns()


class Seat:
    """A game view open on a page, as :func:`sit` hands it out; give it back to :func:`leave`."""

    def __init__(self, max_number: int) -> None:
        self.max_number = max_number
        self.counted = False


_seats: dict[str, Seat] = {}  # page (client id) -> its open game view; a page shows one view at a time
_counts: Counter[int] = Counter()
_sent_at: dict[int, float] = {}  # range -> when its count was last sent out (event loop time)
_waiting: dict[int, asyncio.TimerHandle] = {}  # range -> the sending that waits for its interval to pass


def install() -> None:
    """Start counting from nothing, and follow every page's connection as it comes and goes."""
    for handle in _waiting.values():
        handle.cancel()
    _seats.clear()
    _counts.clear()
    _sent_at.clear()
    _waiting.clear()
    app.on_connect(_connected)
    app.on_disconnect(_disconnected)


def playing(max_number: int) -> int:
    """How many are playing this range now."""
    return _counts[max_number]


def counts() -> dict[int, int]:
    """How many are playing each range that has players now."""
    return {max_number: count for max_number, count in _counts.items() if count > 0}


def sit(client: Client, max_number: int) -> Seat:
    """A game view of this range opened on this page (in place of any other view the page had)."""
    previous = _seats.get(client.id)
    if previous is not None:
        leave(client, previous)
    seat = _seats[client.id] = Seat(max_number)
    if client.has_socket_connection:
        _count(seat, counted=True)
    return seat


def leave(client: Client, seat: Seat) -> None:
    """The game view closed, or its page is gone."""
    if _seats.get(client.id) is seat:
        del _seats[client.id]
    _count(seat, counted=False)


def _connected(client: Client) -> None:
    seat = _seats.get(client.id)
    if seat is not None:
        _count(seat, counted=True)


def _disconnected(client: Client) -> None:
    seat = _seats.get(client.id)
    if seat is not None and not client.has_socket_connection:  # (a reloading page may have a new socket already)
        _count(seat, counted=False)


def _count(seat: Seat, *, counted: bool) -> None:
    if seat.counted == counted:
        return
    seat.counted = counted
    _counts[seat.max_number] += 1 if counted else -1
    if not _counts[seat.max_number]:
        del _counts[seat.max_number]
    _announce(seat.max_number)


def _announce(max_number: int) -> None:
    """Send the range's news now, or once its interval is over (one sending for every change until then)."""
    if max_number in _waiting:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return  # the server is not running (it is stopping): there is nobody to tell
    wait = _sent_at.get(max_number, float('-inf')) + interval(max_number) - loop.time()
    if wait <= 0:
        _send(max_number)
    else:
        _waiting[max_number] = loop.call_later(wait, _send, max_number)


def interval(max_number: int) -> float:
    """The least time, in seconds, between two sendings of this range's count."""
    return min(LONGEST, max(INTERVAL, _counts[max_number] / UPDATES_PER_SECOND))


def _send(max_number: int) -> None:
    _waiting.pop(max_number, None)
    _sent_at[max_number] = asyncio.get_running_loop().time()
    changed.emit(max_number)
