"""nicegui_middleware.py: NiceGUI still adds the three middlewares it replaces, and the plain ones do as NiceGUI's do.

Each request below goes through NiceGUI's own middleware and through ours, around the same small app, and the
answers (and what the app saw of the request) must be the same.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from nicegui import app, core, storage, ui_run
from nicegui.testing import User
from starlette.applications import Starlette
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

import nicegui_middleware
import nicegui_tuning
from nicegui_middleware import DYNAMIC, NICEGUIS, VERSIONED, RedirectWithPrefix, RequestTracking, SetCacheControl


async def test_the_app_runs_the_plain_middlewares_and_no_base_http_middleware(user: User) -> None:
    await user.open('/')  # (the app, with its middlewares, as main.py builds it)
    kinds = [middleware.cls for middleware in app.user_middleware]
    assert {RedirectWithPrefix, SetCacheControl, RequestTracking} <= set(kinds)
    assert not [kind for kind in kinds if isinstance(kind, type) and issubclass(kind, BaseHTTPMiddleware)], kinds


async def test_nicegui_adds_the_middlewares_by_the_names_that_are_replaced(user: User) -> None:
    """If ui.run or set_storage_secret stop adding these by these names, install() no longer replaces anything."""
    await user.open('/')  # (main.py has run: install() is done)
    run = inspect.getsource(ui_run.run)
    assert 'core.app.add_middleware(RedirectWithPrefixMiddleware)' in run
    assert 'core.app.add_middleware(SetCacheControlMiddleware)' in run
    assert 'Middleware(RequestTrackingMiddleware)' in inspect.getsource(storage.set_storage_secret)
    for module, name, plain in nicegui_middleware.REPLACED:
        assert getattr(module, name) is plain
        assert issubclass(NICEGUIS[name], BaseHTTPMiddleware)


@pytest.mark.parametrize(('path', 'prefix'), [
    ('/go', ''), ('/go', '/hilo'), ('/away', '/hilo'), (f'{VERSIONED}nicegui.js', ''), (f'{DYNAMIC}thing.js', ''),
    ('/page', ''),
])
async def test_redirects_and_cache_headers_are_as_niceguis(user: User, path: str, prefix: str) -> None:
    await user.open('/')  # (NiceGUI's configuration, as ui.run sets it: SetCacheControl reads it)
    headers = {'x-forwarded-prefix': prefix} if prefix else {}
    theirs = await _get(_wrapped(NICEGUIS['RedirectWithPrefixMiddleware'], NICEGUIS['SetCacheControlMiddleware']),
                        path, headers)
    ours = await _get(_wrapped(RedirectWithPrefix, SetCacheControl), path, headers)

    assert (ours.status_code, ours.headers.get('location'), ours.headers.get('cache-control'), ours.text) == \
        (theirs.status_code, theirs.headers.get('location'), theirs.headers.get('cache-control'), theirs.text)
    if path.startswith(VERSIONED) and not path.startswith(DYNAMIC):
        assert ours.headers['cache-control'] == core.app.config.cache_control_directives


async def test_a_request_is_known_to_app_storage_as_with_niceguis(user: User) -> None:
    await user.open('/')  # (app.storage, as NiceGUI sets it up)
    theirs = await _tracked(NICEGUIS['RequestTrackingMiddleware'])
    ours = await _tracked(RequestTracking)

    assert ours == theirs
    assert ours['during'] == {'known': True, 'has_id': True, 'user_storage': True, 'responded': False, 'active': 1}
    assert ours['after'] == {'responded': True, 'active': 0}


async def test_once_answered_a_tracked_request_lets_go_of_the_connection(user: User) -> None:
    await user.open('/')  # (app.storage, as NiceGUI sets it up)
    kept: dict[str, Request] = {}

    async def answer(request: Request) -> Response:
        known = storage.request_contextvar.get()
        assert known is not None
        assert known.receive is not nicegui_tuning._receive_nothing
        kept['request'] = known
        return PlainTextResponse('ok')
    application = Starlette(routes=[Route('/', answer)])
    application.add_middleware(RequestTracking)
    application.add_middleware(SessionMiddleware, secret_key='test')
    assert (await _get(application, '/', {})).text == 'ok'

    # Every task started while answering keeps this request (a context variable): it keeps the session and the state,
    # not the connection's receive (see nicegui_tuning.py, 6.).
    request = kept['request']
    assert request.receive is nicegui_tuning._receive_nothing
    assert request.session['id']
    assert request.state.responded


def _wrapped(*middlewares: Callable[..., Any]) -> Starlette:
    async def answer(request: Request) -> Response:
        if request.url.path == '/go':
            return RedirectResponse('/there')
        if request.url.path == '/away':
            return RedirectResponse('https://example.org/there')
        return PlainTextResponse(f'at {request.url.path}')
    routes = [Route(path, answer) for path in ('/go', '/away', '/page', f'{VERSIONED}nicegui.js', f'{DYNAMIC}thing.js')]
    application = Starlette(routes=routes)
    for middleware in middlewares:
        application.add_middleware(middleware)
    return application


async def _get(application: Starlette, path: str, headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url='http://test') as client:
        return await client.get(path, headers=headers)


async def _tracked(middleware: Callable[..., Any]) -> dict[str, dict[str, Any]]:
    """What the app saw of a request passed through ``middleware`` (the session cookie in front, as NiceGUI has)."""
    seen: dict[str, dict[str, Any]] = {}

    async def answer(request: Request) -> Response:
        known = storage.request_contextvar.get()
        session_id = request.session.get('id')
        seen['during'] = {
            'known': known is not None and known.scope is request.scope, 'has_id': session_id is not None,
            'user_storage': session_id in app.storage._users, 'responded': known.state.responded if known else None,
            'active': app.storage._active_request_sessions.get(str(session_id), 0),
        }
        seen['request'] = {'request': known}
        return PlainTextResponse('ok')
    application = Starlette(routes=[Route('/', answer)])
    application.add_middleware(middleware)
    application.add_middleware(SessionMiddleware, secret_key='test')
    response = await _get(application, '/', {})
    assert response.text == 'ok'
    request = seen.pop('request')['request']
    seen['after'] = {'responded': request.state.responded,
                     'active': app.storage._active_request_sessions.get(request.session['id'], 0)}
    return seen
