"""A waiting room in front of the pages: when the server is busy, newcomers wait in line instead of slowing everyone.

Building a page for a newcomer costs the server about as much as a few hundred guesses, and it all happens on the
one thread that also answers every player's guesses. When a whole school arrives in the same minute, unchecked page
loads would make every guess wait behind them, and eventually time out. So page loads are admitted at the pace the
server keeps up with:

- The server watches its own pace: a tick every :data:`TICK` seconds notes how late it came (the "lag" of the
  event loop). While the lag stays under :data:`BUSY_LAG`, page loads are admitted at up to ``joins_per_second``
  (a token bucket that holds a quarter of a second's worth); when it is above, none are, until it drops. The lag
  counted is the smallest of the last :data:`LATE_TICKS` ticks: one slow moment (the very first page a server
  builds, a garbage collection) is not "busy", a server that stays behind is.
- A newcomer who is not admitted gets a small waiting page (plain HTML, no NiceGUI: it costs almost nothing) with a
  ticket in a cookie. The page says where they are in line and reloads itself: after :data:`RETRY_AFTER` seconds
  near the front, less often further back (about when their turn may come, at most every :data:`MAX_RETRY_AFTER`
  seconds), so that a line of a thousand does not knock every two seconds. Tickets are served in order: a ticket is
  admitted once the line has moved up to it.
- Players already playing are never held up: their guesses travel over their open connection, not through here.
  Nothing they do is lost; a newcomer who waits loses nothing either (they have typed nothing yet).

Only full page loads of the game's own addresses are counted; static files, the JSON API and the websocket pass.
"""
from __future__ import annotations

import asyncio
import html
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any

TICK = 0.05  # seconds between two looks at the event loop's pace
BUSY_LAG = 0.025  # seconds: ticks this late mean the server is busy...
LATE_TICKS = 3  # ...when this many in a row are
JOINS_PER_SECOND = 60.0  # page loads admitted per second while the server keeps pace (--joins-per-second)
RETRY_AFTER = 2  # seconds before a waiting page near the front of the line tries again...
MAX_RETRY_AFTER = 8  # ...and at most this many seconds further back
COOKIE = 'hilo_ticket'

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


class WaitingRoom:
    """Admits page loads at the server's pace and gives tickets, in order, to those who must wait."""

    def __init__(self, *, joins_per_second: float = JOINS_PER_SECOND,
                 clock: Callable[[], float] = time.monotonic) -> None:
        # Tickets not called yet: when each is passed over unless it is shown again (three of its retries from now).
        self.expires: dict[int, float] = {}
        # Tickets say which room gave them: another server's, or an earlier run's, mean nothing here.
        self.name = secrets.token_hex(4)
        self.rate = joins_per_second
        self.burst = max(1.0, joins_per_second / 4)
        self.clock = clock
        self.lag = 0.0  # how late the recent ticks came (the least late of them), in seconds
        self.tokens = self.burst
        self.refilled = clock()
        self.next_ticket = 1  # the ticket the next newcomer who must wait gets
        self.called = 0  # tickets up to this one are admitted when they come back
        self.admitted = 0
        self.turned_away = 0

    @property
    def busy(self) -> bool:
        """Whether the server is behind its work right now."""
        return self.lag > BUSY_LAG

    def admit(self, ticket: int | None) -> bool:
        """Whether a page load with this ticket (``None``: a newcomer) may go ahead now."""
        self._refill()
        if ticket is not None and ticket in self.expires:
            self._expect_back(ticket)
        # Move the line on, in order, one place per token. Those called come back within their retry time and go
        # in then, so a place is paid for when it is called. A ticket not shown again for a while belongs to
        # someone who left (or to a program that keeps no cookies): it is passed over, for free.
        while self.called < self.next_ticket - 1 and (self._gone(self.called + 1) or self._take()):
            self.called += 1
            self.expires.pop(self.called, None)
        if ticket is not None:
            admitted = ticket <= self.called
        else:
            nobody_waits = self.called == self.next_ticket - 1
            admitted = nobody_waits and self._take()  # a newcomer goes in only if nobody is waiting before them
        self.admitted += admitted
        return admitted

    def ticket(self) -> int:
        """A place in line for a newcomer who must wait."""
        self.turned_away += 1
        ticket, self.next_ticket = self.next_ticket, self.next_ticket + 1
        self._expect_back(ticket)
        return ticket

    def ahead(self, ticket: int) -> int:
        """How many are in line before this ticket."""
        return max(0, ticket - self.called - 1)

    def retry_after(self, ticket: int) -> int:
        """Seconds before the waiting page of this ticket asks again: about when its turn may come."""
        return min(MAX_RETRY_AFTER, max(RETRY_AFTER, round(self.ahead(ticket) / self.rate)))

    async def watch(self) -> None:
        """Measure the event loop's lag, forever (started with the server)."""
        recent = deque([0.0] * LATE_TICKS, maxlen=LATE_TICKS)  # (the server's start-up is one slow moment too)
        while True:
            started = time.monotonic()
            await asyncio.sleep(TICK)
            recent.append(max(0.0, time.monotonic() - started - TICK))
            self.lag = min(recent)

    def _refill(self) -> None:
        now = self.clock()
        if not self.busy:  # a busy server hands out no new places
            self.tokens = min(self.burst, self.tokens + (now - self.refilled) * self.rate)
        self.refilled = now

    def _expect_back(self, ticket: int) -> None:
        self.expires[ticket] = self.clock() + 3 * self.retry_after(ticket)

    def _gone(self, ticket: int) -> bool:
        return self.clock() > self.expires.get(ticket, float('inf'))

    def _take(self) -> bool:
        if self.busy or self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class WaitingRoomMiddleware:
    """ASGI middleware: page loads go through the waiting room; addresses starting with one of ``other`` (files,
    the JSON API, the websocket) pass."""

    def __init__(self, app: App, *, room: WaitingRoom, other: tuple[str, ...]) -> None:
        self.app = app
        self.room = room
        self.other = other

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http' or scope['method'] != 'GET' or scope['path'].startswith(self.other):
            await self.app(scope, receive, send)
            return
        ticket = _ticket(scope, self.room)
        if self.room.admit(ticket):
            await self.app(scope, receive, _forgetting_the_ticket(send) if ticket is not None else send)
            return
        if ticket is None:
            ticket = self.room.ticket()
        await _waiting_page(send, ticket=f'{self.room.name}.{ticket}', ahead=self.room.ahead(ticket),
                            retry=self.room.retry_after(ticket))


def _ticket(scope: Scope, room: WaitingRoom) -> int | None:
    for name, value in scope.get('headers', []):
        if name == b'cookie':
            morsel = SimpleCookie(value.decode('latin-1')).get(COOKIE)
            if morsel is not None:
                return _parse_ticket(room, morsel.value)
    return None


def _parse_ticket(room: WaitingRoom, value: str) -> int | None:
    name, _, number = value.partition('.')
    return int(number) if name == room.name and number.isdigit() else None


def _forgetting_the_ticket(send: Send) -> Send:
    async def send_without_ticket(message: Message) -> None:
        if message['type'] == 'http.response.start':  # the player is in: the ticket has served its purpose
            message['headers'] = [*message.get('headers', []),
                                  (b'set-cookie', f'{COOKIE}=; Max-Age=0; Path=/; SameSite=Lax'.encode())]
        await send(message)
    return send_without_ticket


async def _waiting_page(send: Send, *, ticket: str, ahead: int, retry: int) -> None:
    where = 'You are next.' if ahead == 0 else f'{ahead:,} {"player is" if ahead == 1 else "players are"} ahead of you.'
    body = WAITING_PAGE.format(where=html.escape(where), retry=retry).encode()
    # 503 with Retry-After is the HTTP way to say "busy, come back soon"; a proxy in front may try another server.
    await send({'type': 'http.response.start', 'status': 503, 'headers': [
        (b'content-type', b'text/html; charset=utf-8'), (b'retry-after', str(retry).encode()),
        (b'cache-control', b'no-store'),
        (b'set-cookie', f'{COOKIE}={ticket}; Max-Age=600; Path=/; SameSite=Lax; HttpOnly'.encode()),
    ]})
    await send({'type': 'http.response.body', 'body': body})


WAITING_PAGE = '''<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{retry}"><title>Waiting to join · Hi-Lo</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; background: #f5f5f7; color: #1f2937; }}
header {{ background: #4f46e5; color: white; padding: 0.75rem 1rem; font-size: 1.25rem; font-weight: 700; }}
main {{ max-width: 36rem; margin: 2rem auto; padding: 1.5rem; background: white; border-radius: 0.5rem; }}
@media (prefers-color-scheme: dark) {{
  body {{ background: #121212; color: #e5e7eb; }} main {{ background: #1e1e1e; }}
}}
</style></head>
<body><header>Hi-Lo</header>
<main><h1>So many players right now!</h1>
<p role="status">{where} Your place in line is kept, and this page tries again by itself every few seconds.</p>
<p>Nothing to do: the game opens here as soon as it is your turn.</p></main></body></html>
'''
