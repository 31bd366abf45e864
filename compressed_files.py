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

import asyncio
import zlib
from dataclasses import dataclass

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp as App
from starlette.types import Message, Receive, Scope, Send

from nicegui_middleware import DYNAMIC, VERSIONED  # NiceGUI's versioned files, but its dynamic resources

MINIMUM_SIZE = 500  # bytes: as Starlette's GZip middleware
MOST_FILES = 256  # kept at most (NiceGUI has a few dozen; a bound all the same)
PAGE_LEVEL = 1  # zlib's level for what is compressed per request (1 fastest, 9 smallest)
COMPRESSIBLE = ('text/', 'application/javascript', 'application/json', 'image/svg+xml')


@dataclass(frozen=True)
class Compressed:
    """One file's answer, compressed: the headers to send and the body."""

    headers: list[tuple[bytes, bytes]]
    body: bytes


class CompressedOnce:
    """ASGI middleware: NiceGUI's versioned files, compressed on their first request and served from memory after.

    The first request for a file passes it through and compresses it (in a thread: Quasar at the highest level takes
    tens of milliseconds); requests for the same file meanwhile wait for that one compression instead of making
    their own. A file that is not worth keeping (a font, say) is remembered as such and streams through after.
    """

    def __init__(self, app: App) -> None:
        self.app = app
        self.files: dict[str, asyncio.Future[Compressed | None]] = {}  # None: passes as it comes
        self.compressions = 0  # how many times a file was compressed (for the tests)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._may_keep(scope):
            await self.app(scope, receive, send)
            return
        path = scope['path']
        if path not in self.files:
            if len(self.files) >= MOST_FILES:  # (a bound all the same): what is not kept passes as before
                await self.app(scope, receive, send)
                return
            self.files[path] = asyncio.get_running_loop().create_future()
            await self._first_request(path, scope, receive, send)
            return
        kept = await asyncio.shield(self.files[path])
        if kept is None:
            await self.app(scope, receive, send)
            return
        await send({'type': 'http.response.start', 'status': 200, 'headers': list(kept.headers)})
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

    async def _first_request(self, path: str, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the app's answer on; keep it compressed if it is worth it, and tell the requests that wait."""
        future = self.files[path]
        start: Message | None = None
        body: list[bytes] = []

        async def keep_or_pass(message: Message) -> None:
            nonlocal start
            if message['type'] == 'http.response.start':
                headers = Headers(raw=message.get('headers', []))
                keepable = headers.get('content-type', '').startswith(COMPRESSIBLE) \
                    and 'content-encoding' not in headers and 'set-cookie' not in headers
                if message['status'] == 200 and keepable and scope['method'] == 'GET':
                    start = message  # held back until the body is complete
                    return
                self._forget(path, remember_as_plain=message['status'] == 200 and not keepable)
            elif start is not None and message['type'] == 'http.response.body':
                body.append(message.get('body', b''))
                if message.get('more_body', False):
                    return
                await self._keep_and_send(path, start, b''.join(body), send)
                return
            elif start is not None:  # anything else (a file sent by path, say): pass it on as it came
                await send(start)
                start = None
                self._forget(path, remember_as_plain=True)
            await send(message)
        try:
            await self.app(scope, receive, keep_or_pass)
        finally:
            if not future.done():  # the app failed, or the browser left: nothing kept, those waiting pass through
                self._forget(path, remember_as_plain=False)

    async def _keep_and_send(self, path: str, start: Message, body: bytes, send: Send) -> None:
        if len(body) < MINIMUM_SIZE:
            self._forget(path, remember_as_plain=True)
            await send(start)
            await send({'type': 'http.response.body', 'body': body})
            return
        packed = await asyncio.to_thread(_gzip, body)
        self.compressions += 1
        headers = MutableHeaders(raw=list(start.get('headers', [])))
        headers['content-encoding'] = 'gzip'
        headers['content-length'] = str(len(packed))
        headers.add_vary_header('Accept-Encoding')
        kept = Compressed(headers=headers.raw, body=packed)
        self.files[path].set_result(kept)
        await send({'type': 'http.response.start', 'status': 200, 'headers': list(kept.headers)})
        await send({'type': 'http.response.body', 'body': kept.body})

    def _forget(self, path: str, *, remember_as_plain: bool) -> None:
        """Tell those waiting to ask the app themselves; remember the file as one to pass, or forget it was asked
        for (a missing file, a failed answer: addresses anyone can make up are not remembered)."""
        future = self.files[path] if remember_as_plain else self.files.pop(path)
        if not future.done():
            future.set_result(None)


def quick_gzip(app: App) -> GZipMiddleware:
    """Starlette's GZip middleware at zlib's fastest level (for ``ui.run(gzip_middleware_factory=...)``)."""
    return GZipMiddleware(app, compresslevel=PAGE_LEVEL)


def _gzip(body: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # the highest level, in gzip's format
    return compressor.compress(body) + compressor.flush()
