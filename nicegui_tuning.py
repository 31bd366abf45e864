"""Workarounds for costs inside NiceGUI 3.18 that matter when a thousand players share one process.

Each one changes as little as it can, says why, and has a test (``tests/ui/test_nicegui_tuning.py``) that fails if a
NiceGUI upgrade changes what it relies on, so it can be dropped or adapted then. ``install()`` applies them; main.py
calls it once, before any page is built.

1. ``helpers.expects_arguments`` asks ``inspect.signature`` whether a handler takes an argument. NiceGUI calls it for
   the three observable collections (classes, style, props) of every element it creates, and for some events: a
   fifth of the server's time while players join. For plain functions and methods the answer is in the function's
   code object, which is read here directly; anything else still goes to ``inspect``. Upstream, NiceGUI PR #6108
   already asks once per handler instead of once per call; asking the code object would make it cheaper still.
2. ``ui.input`` sends its whole text to the server on every keystroke, and when the server changes the text it sends
   a second message that runs ``updateValue()`` in the browser. :class:`QuietInput` sends nothing while the player
   types; its text travels in the one event that submits it, and the server's changes to it ride on the element's
   own update (NiceGUI calls an element's ``update_method`` in the browser after every update of it).
3. Idle pages. NiceGUI's outbox of every page wakes once a second to look for work (``asyncio.wait_for`` with a
   timeout of 1 s), even though anything that gives it work (and ``stop()``) also wakes it: for the outbox the wait
   has no time limit here. And Engine.IO's heartbeat (a ping every 4 s with NiceGUI's settings; the server also
   checks every socket once per ping timeout) is slowed to :data:`PING_INTERVAL`: a connection that dies without
   closing is noticed later, one that closes (a reload, a lost network) at once as before.
4. python-socketio searches every outgoing message for bytes to send separately; Hi-Lo only sends text, so its
   packets say so (a sixth of the server's time under load went to that search). And it starts a new asyncio task
   for every message a browser sends; NiceGUI's handlers are quick, so here they run in the socket's own reader
   (``async_handlers = False``), which keeps each socket's messages in order as before.
5. ``ui.table`` listens for selection, pagination and full-screen changes. Quasar reports its pagination as soon as
   a table appears, which is one more message from every page that shows a board, and the three listeners travel
   with every update of the table, to every open page, each time a top 10 changes. :class:`QuietTable` has none.
   And NiceGUI copies a table's columns (a list, and each dict in it) into observable ones for every table, so that
   it would notice changes to them; a board's columns never change, and as a tuple they are sent as they are and
   shared by every board (what rows do already, see ui/score_board.py).
6. A page keeps the request that built it (``client.request``: NiceGUI reads its session, headers and state later),
   and every task started while it was built keeps NiceGUI's copy of it (a context variable). Each holds the
   request's ``receive`` and ``send``, and through them the connection's protocol object, the request's cycle and
   every middleware's wrapper of them; its scope holds FastAPI's exit stacks. All of that is of use only until the
   answer is sent, yet it stayed for as long as the page was open, a few KB per player. :func:`let_the_request_go`
   drops those parts once the answer is sent (nicegui_middleware.py's request tracking, for NiceGUI's copy) and
   once the page is connected (for the page's own); what NiceGUI reads later stays. Likewise the socket's environ,
   which NiceGUI and python-socketio keep for as long as the socket is open, holds a reader of the request's body
   whose class Engine.IO makes anew for every request (``translate_request`` in engineio/async_drivers/asgi.py),
   about 1.4 KB per player; nothing reads a websocket's body, so the reader goes once the page is connected.
7. A page's elements go into its HTML as JSON, escaped with ``str.translate`` and a table of five characters
   (``HTML_ESCAPE_TABLE`` in nicegui/client.py). A table that turns one character into several makes ``translate``
   look every character up in it one by one: about 45 ns a character, 0.3 ms for the 7 KB of a Hi-Lo page, a
   twentieth of a page load. Five ``str.replace`` give the same text about twenty times faster: NiceGUI's client
   module is handed a ``json`` whose ``dumps`` returns text that escapes itself that way (:class:`_QuickEscape`).
8. A page's HTML imports the JavaScript of every component its elements use (``generate_resources`` in
   nicegui/dependencies.py), but the page's outbox starts out knowing of none of them: the first update of a table,
   of ``ui.sub_pages`` or of any other such element after the page loads goes with one more message, telling the
   browser to import what it already has (``load_js_components``): three of the nine messages a join got.
   Once a page is built, its outbox is told what the page brought (:func:`_build_response_noting_components`).
9. Until its page connects, a page's outbox looks for the connection ten times a second, and NiceGUI lets a page
   that never connects (a link preview, a health check, a tab closed before its scripts ran) go only after 60–70 s:
   about 10 ms of the server's CPU for each such page, twice what building it cost. Here the outbox waits for the
   page's connection instead (NiceGUI's own ``client._connected``), looking again every :data:`UNCONNECTED_WAIT`
   seconds at most. A page that has been connected before and lost its connection is looked for as before.
"""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from types import FunctionType, MethodType
from typing import Any, TypeVar

from nicegui import Client, app, core, helpers, outbox, ui
from nicegui import client as nicegui_client
from nicegui import json as nicegui_json
from nicegui.dependencies import JsComponent
from nicegui.events import GenericEventArguments
from socketio.packet import Packet
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message

PING_INTERVAL = 15.0  # seconds between heartbeats of an idle connection (NiceGUI's default here: 4)
PING_TIMEOUT = 10.0  # seconds a heartbeat may take to be answered
UNCONNECTED_WAIT = 5.0  # seconds an outbox waits for its page's first connection before it looks again (9. above)
OUTBOX_LOOP = 'outbox loop '  # what NiceGUI names the task of a page's outbox, followed by the page's id
# What FastAPI puts in a request's scope for answering it only (see 6. above).
ANSWERING_ONLY = ('fastapi_middleware_astack', 'fastapi_inner_astack', 'fastapi_function_astack')
T = TypeVar('T')
# What HTML_ESCAPE_TABLE in nicegui/client.py does, as replacements: '&' first, so that no escape is escaped again.
HTML_ESCAPES = (('&', '&amp;'), ('<', '&lt;'), ('>', '&gt;'), ('`', '&#96;'), ('$', '&#36;'))

_inspecting_expects_arguments = helpers.expects_arguments
_build_response = Client.build_response


def install() -> None:
    """Apply every workaround in this module."""
    helpers.expects_arguments = expects_arguments
    outbox.asyncio = _AsyncioForTheOutbox()  # type: ignore[assignment,attr-defined]
    app.on_startup(_slow_heartbeat)  # after NiceGUI's own start-up, which sets the heartbeat from reconnect_timeout
    core.sio.packet_class = _TextPacket
    core.sio.async_handlers = False
    app.on_connect(_let_the_page_request_go)
    nicegui_client.json = _JsonForTheClient()  # type: ignore[attr-defined,assignment]
    Client.build_response = _build_response_noting_components  # type: ignore[method-assign,assignment]


def let_the_request_go(request: Request) -> None:
    """Drop what a request keeps for answering it, once it is answered: its connection's receive and send, and
    FastAPI's exit stacks (see 6. above). Its scope, session, headers and state stay."""
    request._receive = _receive_nothing  # pylint: disable=protected-access
    request._send = _send_nothing  # pylint: disable=protected-access
    for key in ANSWERING_ONLY:
        request.scope.pop(key, None)


def _let_the_page_request_go(client: Client) -> None:
    """Once a page is connected: drop what its request and its socket's request kept for answering (6. above)."""
    if client._request is not None:  # pylint: disable=protected-access  # (None for a page made without a request)
        let_the_request_go(client._request)  # pylint: disable=protected-access
    if isinstance(client.environ, dict):
        client.environ.pop('wsgi.input', None)


def _build_response_noting_components(client: Client, request: Request, status_code: int = 200) -> Response:
    """NiceGUI's ``build_response``; then the page's outbox notes the components its HTML imports (8. above)."""
    response = _build_response(client, request, status_code)
    client.outbox._loaded_components.update(  # pylint: disable=protected-access
        element.component.name for element in client.elements.values()
        if isinstance(element.component, JsComponent) and element.component.path.suffix.lower() == '.js')
    return response


async def _receive_nothing() -> Message:
    return {'type': 'http.disconnect'}  # what the request would hear from a connection that is gone


async def _send_nothing(message: Message) -> None:
    raise RuntimeError('this request was answered long ago')


class _AsyncioForTheOutbox:
    """``asyncio`` as NiceGUI's outbox module sees it: the same, except that its loop waits for work without a time
    limit (see 3. above), and for its page's first connection instead of looking for it ten times a second (9.)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def wait_for(awaitable: Awaitable[T], timeout: float | None = None) -> T:  # noqa: ASYNC109
        return await awaitable

    @staticmethod
    async def sleep(delay: float) -> None:
        """The outbox's loop sleeps 0.1 s while its page has no connection: wait for the first one instead (9.)."""
        task = asyncio.current_task()
        name = task.get_name() if task is not None else ''
        client = Client.instances.get(name[len(OUTBOX_LOOP):]) if name.startswith(OUTBOX_LOOP) else None
        if client is None or client.has_socket_connection or client._connected.is_set():  # pylint: disable=protected-access
            await asyncio.sleep(delay)  # (connected before: NiceGUI's own wait, until it reconnects or is let go)
            return
        with contextlib.suppress(TimeoutError):  # set when the page connects, and when it is deleted
            await asyncio.wait_for(client._connected.wait(), UNCONNECTED_WAIT)  # pylint: disable=protected-access


class _JsonForTheClient:
    """``json`` as NiceGUI's client module sees it: the same, except that what ``dumps`` returns escapes itself for
    HTML quickly (see 7. above)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(nicegui_json, name)

    @staticmethod
    def dumps(obj: Any, *args: Any, **kwargs: Any) -> str:
        return _QuickEscape(nicegui_json.dumps(obj, *args, **kwargs))


class _QuickEscape(str):
    """Text whose ``translate`` with NiceGUI's HTML escape table is five ``str.replace`` (see 7. above)."""

    def translate(self, table: Any) -> str:
        if table is not nicegui_client.HTML_ESCAPE_TABLE:
            return super().translate(table)
        text = str(self)
        for character, escaped in HTML_ESCAPES:
            text = text.replace(character, escaped)
        return text


def _slow_heartbeat() -> None:
    core.sio.eio.ping_interval = PING_INTERVAL
    core.sio.eio.ping_timeout = PING_TIMEOUT


class _TextPacket(Packet):
    """A Socket.IO packet that is known to hold no bytes, so it is not searched for them (see 4. above)."""

    uses_binary_events = False


def expects_arguments(func: Callable[..., Any]) -> bool:
    """Whether ``func`` has a parameter without a default (not ``*args`` or ``**kwargs``), like NiceGUI's own.

    Plain functions and bound methods are answered from their code object; everything else (partials, classes,
    callable objects, built-ins, decorated functions) is asked of ``inspect`` as before.
    """
    bound = isinstance(func, MethodType)
    function = func.__func__ if bound else func  # type: ignore[attr-defined]
    if type(function) is not FunctionType or hasattr(function, '__wrapped__') or hasattr(function, '__signature__'):
        return _inspecting_expects_arguments(func)
    code = function.__code__
    required_positional = code.co_argcount - len(function.__defaults__ or ())
    if bound and code.co_argcount:
        required_positional -= 1 if required_positional else 0  # a bound method's first parameter is already given
    keyword_only = code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount]
    keyword_defaults = function.__kwdefaults__ or {}
    return required_positional > 0 or any(name not in keyword_defaults for name in keyword_only)


class QuietInput(ui.input):
    """A text box that sends nothing while the player types: its text goes with the event that submits it.

    ``on_submit`` gets the text when Enter is pressed in the box. Another element can send the box's text too:
    ``button.on('click', handler, js_handler=box.send_text_js)``; the handler reads it with :meth:`submitted`.
    The server's own ``value`` is only what the server last showed (:meth:`show`), not what is being typed.
    """

    def __init__(self, label: str, *, value: str = '', on_submit: Callable[[str], Any] | None = None) -> None:
        super().__init__(label, value=value)
        # ValueElement registered a listener that sends every keystroke ("update:value"); without it, typing stays in
        # the browser.
        for listener_id, listener in list(self._event_listeners.items()):
            if listener.type == f'update:{self.VALUE_PROP}':
                del self._event_listeners[listener_id]
        # After every update of this element the browser calls input.js's updateValue(), which shows the `value` prop:
        # that is how show('') clears the box, in the same message as the rest of the answer.
        self._update_method = 'updateValue'
        # Room for a message below the box, always: a message that appears (or goes) moves nothing below it. Without
        # it, the room opened with the message, and a click on the button below could land where it had just been.
        self.props('bottom-slots')
        if on_submit is not None:
            self.on('keydown.enter', lambda event: on_submit(self.submitted(event)), js_handler=self.send_text_js)

    @property
    def send_text_js(self) -> str:
        """A ``js_handler`` that sends this box's text as the event's argument (and keeps the focus in the box)."""
        return f'() => {{ const box = getHtmlElement({self.id}); emit(box.value); box.focus(); }}'

    @property
    def text_js(self) -> str:
        """A ``js_handler`` that sends this box's text as the event's argument."""
        return f'() => emit(getHtmlElement({self.id}).value)'

    def submitted(self, event: GenericEventArguments) -> str:
        """The text an event sent with :attr:`send_text_js`.

        Without one (NiceGUI's simulated test user runs no JavaScript, and a forged message may send anything), the
        text the server last put in the box stands in; either way the caller checks it like anything typed.
        """
        return event.args if isinstance(event.args, str) else self.value or ''

    def show(self, text: str, *, error: str | None = None) -> None:
        """Put ``text`` in the box (``''`` empties it) with an error message beside it, or none, in one update."""
        with self._props.suspend_updates():
            self.set_value(text)
            self.error = error
        self.update()

    def _handle_value_change(self, value: Any) -> None:
        # ui.input would send a separate run_javascript message here; the update that follows does the job instead.
        super(ui.input, self)._handle_value_change(value)


class QuietTable(ui.table):
    """A table that shows rows and sends nothing back (no selection, pagination or full-screen reports).

    Its ``columns`` are fixed: give them as a tuple, which every table built with it shares (see 5. above).
    """

    def __init__(self, *, columns: tuple[dict[str, Any], ...], row_key: str) -> None:
        super().__init__(columns=[], rows=[], row_key=row_key)
        self._event_listeners.clear()  # the three listeners ui.table registered
        self._props['columns'] = columns  # a tuple is not copied into observable collections: it stays this one

