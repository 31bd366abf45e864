"""A browser without a browser: loads a page over HTTP, then speaks NiceGUI's Socket.IO protocol, as nicegui.js does.

The load generator and the hardening tests use it to be many players at once, or a player who forges messages.
A page arrives as HTML holding every element as JSON (id, tag, props, text and the event listeners). The browser
connects a socket with the page's client id, sends ``event`` messages (an element id, a listener id and JSON
arguments) and receives ``update`` messages that replace elements by id. This class does the same, keeps every
element up to date and records every message it receives, so tests can look at exactly what reached the browser.
"""
from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from .wire import Socket

ELEMENTS = re.compile(r'parseElements\(String\.raw`(.*?)`\)', re.DOTALL)
CLIENT_ID = re.compile(r"'client_id': '([0-9a-f-]+)'")
PUSHED_PATH = re.compile(r'history\.pushState\(\{page: ("(?:[^"\\]|\\.)*")\}')  # a view changed the address
ACK_INTERVAL = 3.0  # seconds: nicegui.js acknowledges the messages it received this often (setInterval(ack, 3000))


class BrowserTransport(httpx.AsyncHTTPTransport):
    """HTTP as a browser does it: a request whose connection dies before any answer is sent once more.

    A server closes a kept-alive connection that has been idle for a while (uvicorn after 5 s, gunicorn after 2 s),
    so a request sometimes leaves on a connection the server is closing at that moment: a page that waits in line
    asks again every 2 to 8 seconds, the classic page polls every 2. Browsers resend such a request on a fresh
    connection without telling the page; so does this transport, and counts it in ``resent``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.resent = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send the request; once more if the connection closed before an answer came."""
        try:
            return await super().handle_async_request(request)
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
            self.resent += 1
            return await super().handle_async_request(request)


class PageClosed(Exception):
    """The page went away (navigation, reload or a dropped connection) while we waited for it."""


class Page:
    """One open page of one simulated browser (an ``httpx.AsyncClient`` that keeps the session cookie)."""

    def __init__(self, http: httpx.AsyncClient, *, on_update: Callable[[Page, dict[str, Any]], None] | None = None,
                 record: bool = False) -> None:
        self.http = http
        self.on_update = on_update
        self.record = record
        self.html = ''
        self.path = ''
        self.client_id = ''
        self.elements: dict[str, dict[str, Any]] = {}
        self.received: list[tuple[str, Any]] = []  # every message, when ``record`` is set
        self.navigated_to: str | None = None
        self.changed = asyncio.Event()
        self.socket: Socket | None = None
        self.waited = 0.0  # seconds the last open() spent in the server's waiting room
        self.next_message_id = 0  # as nicegui.js counts the messages it received, to acknowledge them
        self.acked_message_id = 0
        self._acking: asyncio.Task[None] | None = None

    async def open(self, path: str) -> None:
        """Load a page over HTTP (following redirects) and connect its socket.

        A busy server may answer with its waiting room (503, see admission.py): like the browser, the page waits
        as long as Retry-After says and asks again, as often as it takes. ``waited`` says how long that took.
        """
        await self.close()
        started, in_line = time.monotonic(), False
        while (response := await self.http.get(path, follow_redirects=True)).status_code == 503 \
                and 'retry-after' in response.headers:
            in_line = True
            await asyncio.sleep(float(response.headers['retry-after']))
        response.raise_for_status()
        self.waited = time.monotonic() - started if in_line else 0.0
        self.html, self.path = response.text, response.url.path
        if self.record:
            self.received.append(('html', self.html))
        match, client = ELEMENTS.search(self.html), CLIENT_ID.search(self.html)
        if match is None or client is None:
            raise ValueError(f'{path} is not a NiceGUI page')
        self.elements, self.client_id, self.navigated_to = _parse_elements(match.group(1)), client.group(1), None
        self.next_message_id = self.acked_message_id = 0
        self.socket = Socket(self._on_message, record=self.record)
        # The query nicegui.js sends, in its order.
        query = {'client_id': self.client_id, 'next_message_id': '0', 'implicit_handshake': 'true',
                 'document_id': str(uuid.uuid4()), 'tab_id': str(uuid.uuid4()), 'old_tab_id': 'null'}
        cookies = '; '.join(f'{name}={value}' for name, value in self.http.cookies.items())
        base = str(self.http.base_url).rstrip('/')
        await self.socket.connect(base, query=query, cookie=cookies, origin=base)
        self._acking = asyncio.create_task(self._acknowledge())

    @property
    def connected(self) -> bool:
        """Whether the page's socket is open."""
        return self.socket is not None and self.socket.connected

    async def close(self) -> None:
        """Disconnect the socket, as a browser does when it leaves the page."""
        if self._acking is not None:
            self._acking.cancel()
            self._acking = None
        if self.socket is not None:
            socket, self.socket = self.socket, None
            await socket.close()

    async def emit(self, element_id: str | int, event_type: str, *args: Any) -> float:
        """Send an event the way nicegui.js does: each argument as JSON. Returns the time it was sent."""
        element = self.elements[str(element_id)]
        listener = next(event for event in element.get('events', []) if event['type'] == event_type)
        return await self.send('event', {'id': int(element_id), 'client_id': self.client_id,
                                         'listener_id': listener['listener_id'],
                                         'args': [json.dumps(arg, separators=(',', ':')) for arg in args]})

    async def send(self, message_type: str, *data: Any) -> float:
        """Send any Socket.IO message, well-formed or not (the hardening tests forge some)."""
        assert self.socket is not None, 'the page is not open'
        sent = time.monotonic()
        await self.socket.emit(message_type, *data)
        return sent

    async def enter(self, label: str, *texts: str) -> float:
        """Press Enter in the box with this label: the page sends the texts its handler collects (see QuietInput)."""
        return await self.emit(self.find(label=label), 'keydown', *texts)

    def has(self, **what: str) -> bool:
        """Whether the page has an element with this label, text, role or tag (see :meth:`find`)."""
        try:
            self.find(**what)
        except LookupError:
            return False
        return True

    def find(self, *, label: str | None = None, text: str | None = None, role: str | None = None,
             tag: str | None = None) -> str:
        """The id of the first element with this label (prop), text (prefix), role or tag."""
        for element_id, element in self.elements.items():
            props = element.get('props', {})
            if ((label is None or props.get('label') == label)
                    and (text is None or str(element.get('text', '')).startswith(text))
                    and (role is None or props.get('role') == role)
                    and (tag is None or element.get('tag') == tag)):
                return element_id
        raise LookupError(f'no element with label={label!r} text={text!r} role={role!r} tag={tag!r} on {self.path}')

    def text(self, element_id: str) -> str:
        return str(self.elements[element_id].get('text', ''))

    def props(self, element_id: str) -> dict[str, Any]:
        return dict(self.elements[element_id].get('props', {}))

    async def wait_for(self, condition: Callable[[], bool], seconds: float = 10) -> None:
        """Wait until ``condition()`` holds after some update, or raise TimeoutError after ``seconds``."""
        deadline = time.monotonic() + seconds
        while not condition():
            if self.navigated_to is not None or not self.connected:
                raise PageClosed(self.path)
            self.changed.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f'condition not met on {self.path} within {seconds} s')
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except TimeoutError:
                continue

    async def _acknowledge(self) -> None:
        while self.connected:
            await asyncio.sleep(ACK_INTERVAL)
            if self.next_message_id > self.acked_message_id and self.socket is not None and self.connected:
                await self.socket.emit('ack', {'client_id': self.client_id, 'next_message_id': self.next_message_id})
                self.acked_message_id = self.next_message_id

    def _on_message(self, message_type: str, data: Any = None) -> None:
        if self.record:
            self.received.append((message_type, data))
        if isinstance(data, dict) and isinstance(data.get('_id'), int):
            self.next_message_id = data['_id'] + 1
        if message_type == 'update':
            for element_id, element in data.items():
                if element_id == '_id':
                    continue
                if element is None:
                    self.elements.pop(element_id, None)
                else:
                    self.elements[element_id] = element
            if self.on_update is not None:
                self.on_update(self, data)
        elif message_type == 'open':
            self.navigated_to = data['path']
        elif message_type == 'run_javascript' and data.get('code') in {'history.go(0)', 'location.reload()'}:
            self.navigated_to = self.path
        elif message_type == 'run_javascript' and (pushed := PUSHED_PATH.search(data.get('code', ''))):
            self.path = json.loads(pushed.group(1))  # a view of the same page: the address changes, the page stays
        self.changed.set()


def _parse_elements(raw: str) -> dict[str, dict[str, Any]]:
    """The elements as the page embeds them, escaped so that no text can end the script; nicegui.js undoes this."""
    for escaped, character in (('&#36;', '$'), ('&#96;', '`'), ('&gt;', '>'), ('&lt;', '<'), ('&amp;', '&')):
        raw = raw.replace(escaped, character)
    return dict(json.loads(raw))
