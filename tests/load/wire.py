"""The socket of a page, as a browser holds it: Socket.IO over Engine.IO over one websocket, spoken by hand.

A load generator has to be a thousand browsers on two shared cores, so this is lean: one websocket (the
``websockets`` package), text frames only, JSON decoded with orjson. What it sends is what nicegui.js sends, frame
for frame (``tests/browser/test_protocol.py`` compares them):

- connect to ``/_nicegui_ws/socket.io/?client_id=...&EIO=4&transport=websocket`` with the session cookie;
- the server opens Engine.IO (``0{...}``), the client joins the default namespace (``40``), the server answers
  (``40{...}``); NiceGUI's handshake is implicit (a query parameter);
- events both ways are ``42["name",{...}]``; the server pings (``2``) and the client answers (``3``).
"""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import orjson
import websockets
from websockets.asyncio.client import ClientConnection
from websockets.typing import Origin

Handler = Callable[[str, Any], None]


class Socket:
    """One page's Socket.IO connection; ``handler(name, data)`` gets every event the server sends."""

    def __init__(self, handler: Handler, *, record: bool = False) -> None:
        self.handler = handler
        self.sent: list[str] | None = [] if record else None  # every frame sent, when recording
        self.address = ''
        self.websocket: ClientConnection | None = None
        self.reading: asyncio.Task[None] | None = None
        self.closed = asyncio.Event()

    @property
    def connected(self) -> bool:
        """Whether the socket is open (and was not closed by either side)."""
        return self.websocket is not None and not self.closed.is_set()

    async def connect(self, url: str, *, query: dict[str, str], cookie: str, origin: str) -> None:
        """Open the websocket and join the default namespace, as socket.io-client does."""
        timeout = 10
        self.address = address = url.replace('http', 'ws', 1) + '/_nicegui_ws/socket.io/?' + \
            '&'.join(f'{name}={value}' for name, value in {**query, 'EIO': '4', 'transport': 'websocket'}.items())
        # Like a browser: no compression, no pings of the websocket's own (Engine.IO has its heartbeat).
        self.websocket = await websockets.connect(address, additional_headers={'Cookie': cookie}, origin=Origin(origin),
                                                  open_timeout=timeout, compression=None, max_size=2**24,
                                                  ping_interval=None)
        opening = await asyncio.wait_for(self.websocket.recv(), timeout)
        if not str(opening).startswith('0'):
            raise ConnectionError(f'expected an Engine.IO open packet, got {opening!r}')
        await self._send('40')
        joined = await asyncio.wait_for(self.websocket.recv(), timeout)
        if not str(joined).startswith('40'):  # '44{"message": ...}' is a refusal (e.g. the handshake failed)
            await self.websocket.close()
            raise ConnectionError(f'the server refused the connection: {joined!r}')
        self.reading = asyncio.create_task(self._read())

    async def emit(self, name: str, *args: Any) -> None:
        """Send a Socket.IO event: ``42["name", arg, ...]``."""
        await self._send('42' + orjson.dumps([name, *args]).decode())

    async def _send(self, frame: str) -> None:
        assert self.websocket is not None, 'the socket is not open'
        if self.sent is not None:
            self.sent.append(frame)
        await self.websocket.send(frame)

    async def close(self) -> None:
        """Close the websocket, as a browser does when it leaves the page."""
        if self.websocket is not None:
            with contextlib.suppress(Exception):
                await self.websocket.close()
        if self.reading is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self.reading
        self.closed.set()

    async def _read(self) -> None:
        assert self.websocket is not None
        try:
            async for frame in self.websocket:
                text = str(frame)
                if text == '2':  # the server's heartbeat
                    await self._send('3')
                elif text.startswith('42'):
                    name, *data = orjson.loads(text[2:])
                    self.handler(name, data[0] if data else None)
                elif text.startswith('41') or text.startswith('1'):  # the server left the namespace, or closed
                    break
        except websockets.ConnectionClosed:
            pass
        finally:
            self.closed.set()
            self.handler('disconnect', None)
