"""Where the learner's window (ui/how_it_works.py) looks inside NiceGUI 3.18: the one place that relies on its
internals for that, each reliance checked by tests/ui/test_nicegui_hooks.py so that an upgrade that changes it fails
a test instead of the window.

Nothing here costs anything while no window is open. :data:`watched` holds the pages whose window is open, by client
id; the socket guard calls :func:`received` for every message, which looks there once. Everything else is put in
place for one page when its window opens, and taken away when it closes:

1. A message from the browser, as nicegui.js sends it: ``{'id': element id, 'client_id', 'listener_id', 'args':
   [each argument as JSON text]}``; NiceGUI replaces its ``args`` with their decoded values while it handles it, so
   the window gets a copy taken before.
2. ``element._event_listeners``: each ``EventListener`` has a ``handler``, which NiceGUI looks up every time an event
   comes. :func:`time_listeners` puts a timed handler in its place and puts the old one back later.
3. ``client.outbox._emit(message)``: every message to a page goes through it, as ``(client_id, type, data)``, and
   sets ``data['_id']``. :func:`watch_outbox` puts a function in front of it on that one outbox (an attribute of
   the object, which Python finds before the class's method) and puts back what was there later.
4. ``event.callbacks`` (each with the subscribed ``func``), ``element._client`` (a weak reference to its page) and
   ``client.outbox.updates`` (elements waiting to be sent): which other pages a broadcast reached, and when their
   updates had left (:func:`receivers`, :func:`sent`).
5. ``element._markers``: the names given with ``.mark()``, to name elements for a learner (:func:`name`).
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from nicegui import Client, Event, core, helpers, ui
from nicegui.events import GenericEventArguments
from socketio import packet

# client id -> what the page's window does with a message from its browser
watched: dict[str, Callable[[dict[str, Any]], None]] = {}

Around = Callable[[ui.element, str, str, Callable[..., Any], GenericEventArguments], Any]
Sent = Callable[[str, dict[Any, Any], int], None]  # data: element ids (and '_id') to what changed


def received(message: dict[str, Any]) -> None:
    """Called by the socket guard for each message it lets through, before NiceGUI handles it."""
    if watched:  # one look while no window is open anywhere
        note = watched.get(message.get('client_id'))  # type: ignore[arg-type]
        if note is not None:
            note(dict(message))


def time_listeners(elements: Iterable[ui.element], around: Around) -> Callable[[], None]:
    """Call ``around(element, listener id, event type, handler, event)`` instead of each handler of these elements'
    listeners (``around`` calls the handler), until the function returned is called."""
    swapped: list[tuple[Any, Callable[..., Any]]] = []
    for element in elements:
        for listener in element._event_listeners.values():
            handler = listener.handler
            if handler is None:
                continue

            def timed(event: GenericEventArguments, element: ui.element = element, listener_id: str = listener.id,
                      kind: str = listener.type, handler: Callable[..., Any] = handler) -> Any:
                return around(element, listener_id, kind, handler, event)
            listener.handler = timed
            swapped.append((listener, handler))

    def put_back() -> None:
        for listener, handler in swapped:
            listener.handler = handler
    return put_back


def call(handler: Callable[..., Any], event: GenericEventArguments) -> Any:
    """Call an event handler as NiceGUI does: with the event if it takes an argument."""
    return handler(event) if helpers.expects_arguments(handler) else handler()


def watch_outbox(client: Client, on_sent: Sent) -> Callable[[], None]:
    """Tell ``on_sent(type, data, bytes)`` about every message this page is sent, until the function returned is
    called. ``bytes`` is the size of the Socket.IO frame (``42["update",{...}]``)."""
    outbox = client.outbox
    emit: Callable[[tuple[str, str, Any]], Awaitable[None]] = outbox._emit
    own = vars(outbox).get('_emit')  # NiceGUI's simulated user (tests) puts one of its own there

    async def emit_and_tell(message: tuple[str, str, Any]) -> None:
        await emit(message)
        _, kind, data = message
        on_sent(kind, data, frame_size(kind, data))
    outbox._emit = emit_and_tell  # type: ignore[method-assign]

    def stop() -> None:
        if own is None:
            del outbox._emit
        else:
            outbox._emit = own  # type: ignore[method-assign]
    return stop


def frame_size(kind: str, data: Any) -> int:
    """Bytes on the wire of a Socket.IO event, as python-socketio encodes it: ``42["update",{...}]`` (Engine.IO's 4
    for a message, Socket.IO's 2 for an event)."""
    return 1 + len(core.sio.packet_class(packet.EVENT, data=[kind, data]).encode().encode())


def receivers(events: Iterable[Event[Any]], wanted: Callable[[Any], bool]) -> list[tuple[Any, Client]]:
    """The elements whose methods are subscribed to these events and that are ``wanted``, with their pages. Elements
    of pages that NiceGUI has let go are left out: such a page may leave its elements subscribed (the tests' pages
    do)."""
    found = []
    for callback in (callback for event in events for callback in event.callbacks):
        owner = getattr(callback.func, '__self__', None)
        if isinstance(owner, ui.element) and wanted(owner):
            client = owner._client()
            if client is not None and Client.instances.get(client.id) is client and not owner.is_deleted:
                found.append((owner, client))
    return found


async def sent(clients: Iterable[Client], *, since: float, limit: float = 5.0) -> float | None:
    """Seconds from ``since`` (time.perf_counter()) until none of these pages had an update waiting to be sent, or
    ``None`` if that took longer than ``limit``. Pages without a connection are left out: they get theirs later."""
    waiting = [client for client in clients if client.has_socket_connection]
    deadline = time.perf_counter() + limit
    while waiting:
        waiting = [client for client in waiting if client.outbox.updates and not client.is_deleted]
        if time.perf_counter() > deadline:
            return None
        await asyncio.sleep(0.001)  # each page's outbox sends in a task of its own
    return time.perf_counter() - since


def name(element: ui.element) -> str:
    """What to call an element for a learner: its class, id and marker, or else its label for screen readers
    (``QuietInput 12 "guess-box"``)."""
    called = element._markers[0] if element._markers else element.props.get('aria-label')
    return f'{type(element).__name__} {element.id}' + (f' "{called}"' if called else '')
