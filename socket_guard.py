"""A guard in front of NiceGUI's Socket.IO endpoint: a browser is untrusted, so every message is checked first.

A page talks to the server over one socket. NiceGUI (3.18) routes each incoming message by the client id written
*inside* the message, so on its own it would act on any page whose id a forger put there. The guard lets a message
through only if:

- it comes from the socket that is connected for the page it names (Socket.IO puts each socket in a "room" named
  after its page's client id when it connects);
- it has the shape nicegui.js sends: the right fields with the right types, for an element and a listener that
  exist on that page;
- its socket sends no more than about 20 messages a second (a burst of 40 is fine: a paste, fast typing). Faster
  messages wait their turn; a socket that floods is disconnected. Other players never notice either.

Values inside a well-formed message are still untrusted: the handlers check them again (see ``game.parse_*``).
The guard also limits which web pages may open a socket at all (CORS): only the game's own origin by default.
"""
from __future__ import annotations

import asyncio
import inspect
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from nicegui import Client, background_tasks, core
from nicegui import nicegui as nicegui_server

import nicegui_hooks

RATE = 20.0  # messages a second, per socket, sustained
BURST = 40.0  # messages a socket may send at once
QUEUE_LIMIT = 100  # messages waiting for their turn; a socket that sends more than that is disconnected
LOG_LEVELS = {'debug', 'info', 'warning', 'error'}

log = logging.getLogger('hilo.socket_guard')


def install(*, allowed_origins: list[str] | None) -> None:
    """Check every message before NiceGUI handles it, and only accept sockets from ``allowed_origins``.

    ``None`` means the origin the page was served from (as the browser sees it, also behind a proxy that sets
    X-Forwarded-Host), which is right unless the game is embedded in pages of another site.
    """
    sio = core.sio
    sio.eio.cors_allowed_origins = allowed_origins  # engine.io reads None as "same origin only"
    guard = _Guard()
    # NiceGUI's own handlers (private names; nicegui is pinned below 4 in pyproject.toml) run after the checks.
    for message_type, handler, check in (
        ('event', nicegui_server._on_event, _is_valid_event),
        ('javascript_response', nicegui_server._on_javascript_response, _names_a_page),
        ('ack', nicegui_server._on_ack, _is_valid_ack),
        ('log', nicegui_server._on_log, _is_valid_log),
        ('handshake', nicegui_server._on_handshake, _is_valid_handshake),
    ):
        sio.on(message_type, handler=guard.wrap(handler, check))
    sio.on('disconnect', handler=guard.forget_after(nicegui_server._on_disconnect))


@dataclass
class _Socket:
    """What the guard knows of one socket: a token bucket, and the messages waiting for a token.

    The bucket refills at RATE tokens a second up to BURST; each message takes one. A message that finds no token
    waits, in order, rather than being dropped: dropping one keystroke of a fast typist would leave the server
    with a different guess than the one on the screen.
    """

    tokens: float = BURST
    updated: float = field(default_factory=time.monotonic)
    waiting: deque[Callable[[], Awaitable[Any]]] = field(default_factory=deque)
    draining: bool = False

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(BURST, self.tokens + (now - self.updated) * RATE)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class _Guard:
    def __init__(self) -> None:
        self.sockets: dict[str, _Socket] = {}

    def wrap(self, handler: Callable[[str, Any], Any], check: Callable[[str, Any], bool]) -> Callable[..., Any]:
        async def guarded(sid: str, message: Any = None, *_: Any) -> Any:
            async def deliver() -> Any:
                if not check(sid, message):
                    log.info('dropped a malformed or forged message from socket %s', sid)
                    return None
                nicegui_hooks.received(message)  # for the learner's window: one look, while no window is open
                result = handler(sid, message)
                return await result if inspect.isawaitable(result) else result  # the handshake is asynchronous

            socket = self.sockets.setdefault(sid, _Socket())
            if not socket.waiting and socket.take():
                return await deliver()
            if len(socket.waiting) >= QUEUE_LIMIT:
                log.warning('socket %s sends far more than %d messages a second; disconnecting it', sid, RATE)
                self.sockets.pop(sid, None)
                await core.sio.disconnect(sid)
                return None
            socket.waiting.append(deliver)
            if not socket.draining:
                socket.draining = True
                background_tasks.create(self._drain(socket), name=f'socket guard {sid}')
            return None
        return guarded

    def forget_after(self, handler: Callable[[str], None]) -> Callable[[str], None]:
        def forget(sid: str, *_: Any) -> None:
            socket = self.sockets.pop(sid, None)
            if socket is not None:
                socket.waiting.clear()
            handler(sid)
        return forget

    @staticmethod
    async def _drain(socket: _Socket) -> None:
        try:
            while socket.waiting:
                if socket.take():
                    await socket.waiting.popleft()()
                else:
                    await asyncio.sleep(1 / RATE)
        finally:
            socket.draining = False


def _names_a_page(sid: str, message: Any) -> bool:
    """The message names a page by its client id, and this socket is the one connected for that page."""
    if not isinstance(message, dict) or not isinstance(message.get('client_id'), str):
        return False
    # The page's room holds its one socket; asking the room is quick, whereas asking which rooms a socket is in
    # (sio.rooms) goes through every room on the server.
    return any(member == sid for member, _ in core.sio.manager.get_participants('/', message['client_id']))


def _is_valid_event(sid: str, message: Any) -> bool:
    if not _names_a_page(sid, message):
        return False
    element_id, listener_id, args = message.get('id'), message.get('listener_id'), message.get('args', [])
    client = Client.instances.get(message['client_id'])
    element = client.elements.get(element_id) if client is not None and isinstance(element_id, int) else None
    if element is None or listener_id not in element._event_listeners:
        return False
    return isinstance(args, list) and all(arg is None or (isinstance(arg, str) and _is_json(arg)) for arg in args)


def _is_valid_handshake(_sid: str, message: Any) -> bool:
    # The handshake is how a socket joins its page, so it cannot be checked against the page yet; NiceGUI checks
    # that the page exists and that this socket connected for it.
    return isinstance(message, dict) and all(isinstance(message.get(key), str)
                                             for key in ('client_id', 'tab_id', 'document_id'))


def _is_valid_ack(sid: str, message: Any) -> bool:
    return _names_a_page(sid, message) and isinstance(message.get('next_message_id'), int)


def _is_valid_log(sid: str, message: Any) -> bool:
    return _names_a_page(sid, message) and message.get('level') in LOG_LEVELS \
        and isinstance(message.get('message'), str)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
