"""NiceGUI 3.18's three HTTP middlewares, doing the same as plain ASGI middleware, which costs less per request.

Every page load, file and API call passes through the middlewares ``ui.run`` adds. Three of NiceGUI's are
Starlette ``BaseHTTPMiddleware`` subclasses, and each of those runs the rest of the app in a task of its own and
passes the response through a memory stream: a few hundred microseconds per request for each. py-spy while 150
players joined put 8% of the server's time there. Starlette's own documentation suggests plain ASGI middleware
where that matters. The three, as NiceGUI has them (nicegui/middlewares.py and nicegui/storage.py):

1. ``RedirectWithPrefixMiddleware``: a redirect to ``/somewhere`` gets the request's ``X-Forwarded-Prefix`` in front.
2. ``SetCacheControlMiddleware``: NiceGUI's versioned files (``/_nicegui/<version>/``, but for dynamic resources) get
   the ``Cache-Control`` header of ``ui.run(cache_control_directives=...)``.
3. ``RequestTrackingMiddleware``: makes the request known to ``app.storage`` (a context variable), gives the session
   an id and the user a storage, counts the requests of each session under way, and notes when the response has
   started (after that ``app.storage.browser`` is read-only).

:func:`install` puts the plain versions where ``ui.run`` finds NiceGUI's (it must be called before ``ui.run``).
``tests/ui/test_nicegui_middleware.py`` checks that NiceGUI still adds the three it replaces, by these names, and
that the app behaves as NiceGUI's would.
"""
from __future__ import annotations

import uuid
from typing import Any

import nicegui.storage
import nicegui.ui_run
from nicegui import core
from nicegui.version import __version__
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp as App
from starlette.types import Message, Receive, Scope, Send

import nicegui_tuning

VERSIONED = f'/_nicegui/{__version__}/'  # every file under it has the version in its address...
DYNAMIC = f'/_nicegui/{__version__}/dynamic_resources/'  # ...but these, which elements may make up as they go


def install() -> None:
    """Let ``ui.run`` add the plain middlewares below instead of NiceGUI's three."""
    for module, name, plain in REPLACED:
        setattr(module, name, plain)


class RedirectWithPrefix:
    """A redirect to an address on this server keeps the prefix a proxy serves the app under."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        prefix = Headers(scope=scope).get('x-forwarded-prefix', '') if scope['type'] == 'http' else ''
        if not prefix:  # NiceGUI's would put '' in front: nothing to do
            await self.app(scope, receive, send)
            return

        async def send_with_prefix(message: Message) -> None:
            if message['type'] == 'http.response.start':
                headers = MutableHeaders(scope=message)
                if headers.get('location', '').startswith('/'):
                    headers['location'] = prefix + headers['location']
            await send(message)
        await self.app(scope, receive, send_with_prefix)


class SetCacheControl:
    """NiceGUI's versioned files may be cached as long as ``ui.run`` says: a new version has new addresses."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get('path', '')
        if scope['type'] != 'http' or not path.startswith(VERSIONED) or path.startswith(DYNAMIC):
            await self.app(scope, receive, send)
            return

        async def send_with_cache_control(message: Message) -> None:
            if message['type'] == 'http.response.start':
                MutableHeaders(scope=message)['cache-control'] = core.app.config.cache_control_directives
            await send(message)
        await self.app(scope, receive, send_with_cache_control)


class RequestTracking:
    """Makes each request known to ``app.storage``, as NiceGUI's ``RequestTrackingMiddleware`` does (see 3. above)."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        nicegui.storage.request_contextvar.set(request)
        if 'id' not in request.session:
            request.session['id'] = str(uuid.uuid4())
        request.state.responded = False
        session_id = request.session['id']
        storage = core.app.storage
        active = storage._active_request_sessions  # (as NiceGUI's own middleware does)
        active[session_id] += 1
        try:
            if session_id not in storage._users:
                await storage._create_user_storage(session_id)

            async def send_noting_the_start(message: Message) -> None:
                if message['type'] == 'http.response.start':
                    request.state.responded = True  # where NiceGUI's call_next() returns
                await send(message)
            await self.app(scope, receive, send_noting_the_start)
        finally:
            active[session_id] -= 1
            if active[session_id] <= 0:
                del active[session_id]
            nicegui_tuning.let_the_request_go(request)  # tasks the page started keep it (see nicegui_tuning.py, 6.)


# Where ``ui.run`` looks each of NiceGUI's up, by name, and the plain one put there instead.
REPLACED: tuple[tuple[Any, str, type], ...] = (
    (nicegui.ui_run, 'RedirectWithPrefixMiddleware', RedirectWithPrefix),
    (nicegui.ui_run, 'SetCacheControlMiddleware', SetCacheControl),
    (nicegui.storage, 'RequestTrackingMiddleware', RequestTracking),
)
NICEGUIS: dict[str, type] = {name: getattr(module, name) for module, name, _ in REPLACED}  # (for the tests)
