"""NiceGUI's own files (Vue, Quasar, Tailwind, Socket.IO, nicegui.js, components), compressed once instead of per visit.

A browser on its first visit downloads about 1 MB of JavaScript and CSS from ``/_nicegui/<version>/``. NiceGUI's
GZip middleware compresses every response as it goes out, at zlib's highest level, every time: measured here, about
60 ms of server CPU per first visit, three times what the page itself costs. When a school arrives with empty
browser caches, that is most of the server's work. These files never change while NiceGUI's version stays the same
(their addresses carry it, and browsers keep them for a year), so :class:`CompressedOnce` keeps each one compressed
in memory, at the highest level, after its first request, and serves that to every browser that accepts gzip.

Only complete answers (status 200, no ``Range``, no conditional request) of at least :data:`MINIMUM_SIZE` bytes, whose
content type the GZip middleware would compress too, are kept; anything else passes as before. The GZip middleware
outside leaves a response alone once it has a ``Content-Encoding``.

What is left for that middleware is made for each request: pages (about 31 KB of HTML) and the API's answers. For
those, :func:`quick_gzip` sets it to zlib's fastest level instead of its highest: 0.14 ms instead of 0.64 ms for a
page, measured here, for 11.5 KB sent instead of 10.2 KB.
"""
from __future__ import annotations

import zlib
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from nicegui.version import __version__
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware

VERSIONED = f'/_nicegui/{__version__}/'  # every file under it has the version in its address...
DYNAMIC = f'/_nicegui/{__version__}/dynamic_resources/'  # ...but these, which elements may make up as they go
MINIMUM_SIZE = 500  # bytes: as Starlette's GZip middleware
MOST_FILES = 256  # kept at most (NiceGUI has a few dozen; a bound all the same)
PAGE_LEVEL = 1  # zlib's level for what is compressed per request (1 fastest, 9 smallest)
COMPRESSIBLE = ('text/', 'application/javascript', 'application/json', 'image/svg+xml')

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class Compressed:
    """One file's answer, compressed: the headers to send and the body."""

    headers: list[tuple[bytes, bytes]]
    body: bytes


class CompressedOnce:
    """ASGI middleware: NiceGUI's versioned files, compressed on their first request and served from memory after."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.files: dict[str, Compressed] = {}
        self.compressions = 0  # how many times a file was compressed (for the tests)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._may_keep(scope):
            await self.app(scope, receive, send)
            return
        path = scope['path']
        if (kept := self.files.get(path)) is None:
            answer = await _answer(self.app, scope, receive)
            kept = self._compressed(answer)
            if kept is None:  # not one to keep: send it as it came
                for message in answer:
                    await send(message)
                return
            if len(self.files) < MOST_FILES:
                self.files[path] = kept
        await send({'type': 'http.response.start', 'status': 200, 'headers': kept.headers})
        await send({'type': 'http.response.body', 'body': b'' if scope['method'] == 'HEAD' else kept.body})

    def _may_keep(self, scope: Scope) -> bool:
        if scope['type'] != 'http' or scope['method'] not in {'GET', 'HEAD'}:
            return False
        path = scope.get('path', '')
        if not path.startswith(VERSIONED) or path.startswith(DYNAMIC):
            return False
        headers = Headers(scope=scope)
        conditional = 'range' in headers or 'if-none-match' in headers or 'if-modified-since' in headers
        return 'gzip' in headers.get('accept-encoding', '') and not conditional

    def _compressed(self, answer: list[Message]) -> Compressed | None:
        start, bodies = answer[0], [message for message in answer[1:] if message['type'] == 'http.response.body']
        headers = MutableHeaders(raw=list(start.get('headers', [])))
        body = b''.join(message.get('body', b'') for message in bodies)
        if start['status'] != 200 or 'content-encoding' in headers or len(body) < MINIMUM_SIZE \
                or not headers.get('content-type', '').startswith(COMPRESSIBLE) or len(answer) != 1 + len(bodies):
            return None
        compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # gzip's format
        packed = compressor.compress(body) + compressor.flush()
        self.compressions += 1
        headers['content-encoding'] = 'gzip'
        headers['content-length'] = str(len(packed))
        headers.add_vary_header('Accept-Encoding')
        return Compressed(headers=headers.raw, body=packed)


def quick_gzip(app: App) -> GZipMiddleware:
    """Starlette's GZip middleware at zlib's fastest level (for ``ui.run(gzip_middleware_factory=...)``)."""
    return GZipMiddleware(app, compresslevel=PAGE_LEVEL)


async def _answer(app: App, scope: Scope, receive: Receive) -> list[Message]:
    """Everything ``app`` sends for this request, collected instead of sent."""
    messages: list[Message] = []

    async def collect(message: Message) -> None:
        messages.append(message)
    await app(scope, receive, collect)
    return messages
