"""The workarounds in nicegui_tuning.py still rest on what NiceGUI does: each test fails if an upgrade changes it."""
from __future__ import annotations

import asyncio
import functools
import inspect
import json
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import nicegui
import pytest
from engineio.async_drivers.asgi import translate_request
from nicegui import app, helpers, ui
from nicegui.observables import ObservableList
from nicegui.testing import User

import nicegui_tuning
from nicegui_tuning import QuietInput, QuietTable

NICEGUI = Path(nicegui.__file__).parent


class Handlers:
    def none(self) -> None: ...
    def one(self, event: Any) -> None: ...
    def optional(self, event: Any = None) -> None: ...
    def anything(self, *args: Any, **kwargs: Any) -> None: ...
    def keyword(self, *, event: Any) -> None: ...
    async def asynchronous(self, event: Any) -> None: ...
    @staticmethod
    def static(event: Any) -> None: ...
    @classmethod
    def of_class(cls, event: Any) -> None: ...
    def __call__(self, event: Any) -> None: ...


def plain(a: int, /, b: int = 1, *, c: int, d: int = 2) -> None: ...


HANDLERS = [lambda: None, lambda e: None, lambda e=None: None, lambda *a: None, lambda **k: None, Handlers().none,
            Handlers().one, Handlers().optional, Handlers().anything, Handlers().keyword, Handlers().asynchronous,
            Handlers.static, Handlers.of_class, Handlers(), Handlers.one, plain, functools.partial(plain, 1), print]


@pytest.mark.parametrize('handler', HANDLERS)
def test_expects_arguments_answers_as_niceguis_own(handler: Any) -> None:
    assert nicegui_tuning.expects_arguments(handler) == nicegui_tuning._inspecting_expects_arguments(handler)


async def test_nicegui_asks_helpers_expects_arguments_when_it_makes_an_element(user: User,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    await user.open('/')
    asked: list[Any] = []

    def expects_arguments(func: Any) -> bool:
        asked.append(func)
        return False
    monkeypatch.setattr(helpers, 'expects_arguments', expects_arguments)
    assert user.client is not None
    with user.client:
        ui.label('x')
    assert asked  # so main.py's nicegui_tuning.install() reaches every element NiceGUI makes


async def test_a_quiet_input_sends_nothing_while_typing_and_shows_the_servers_text_on_update(user: User) -> None:
    await user.open('/')
    assert user.client is not None
    with user.client:
        plain_input, quiet = ui.input('plain'), QuietInput('quiet')
    # ui.input listens to every keystroke under this name; the quiet one does not.
    assert [listener.type for listener in plain_input._event_listeners.values()] == ['update:value']
    assert quiet._event_listeners == {}
    # After an update, nicegui.js calls the element's update_method, and input.js's updateValue() shows the value.
    assert quiet._to_dict()['update_method'] == 'updateValue'
    assert 'getElement(id)?.[element.update_method]()' in (NICEGUI / 'static' / 'nicegui.js').read_text()
    assert 'updateValue() {\n      this.inputValue = this.value;' in (NICEGUI / 'elements' / 'input.js').read_text()
    quiet.show('42', error='Too big')
    assert (quiet.props['value'], quiet.props['error'], quiet.props['error-message']) == ('42', True, 'Too big')


async def test_a_quiet_table_has_none_of_the_listeners_of_a_table(user: User) -> None:
    await user.open('/')
    assert user.client is not None
    with user.client:
        table, quiet = ui.table(columns=[], rows=[]), QuietTable(columns=(), row_key='id')
    assert {listener.type for listener in table._event_listeners.values()} == \
        {'selection', 'update:pagination', 'update:fullscreen'}  # what QuietTable leaves out
    assert quiet._event_listeners == {}


async def test_the_columns_of_quiet_tables_are_shared_not_copied(user: User) -> None:
    columns = ({'name': 'rank', 'label': '#', 'field': 'rank'}, {'name': 'name', 'label': 'Name', 'field': 'name'})
    await user.open('/')
    assert user.client is not None
    with user.client:
        table = ui.table(columns=list(columns), rows=[])
        first, second = QuietTable(columns=columns, row_key='id'), QuietTable(columns=columns, row_key='id')
    assert isinstance(table.props['columns'], ObservableList)  # what ui.table does with a list: a copy per table
    assert first.props['columns'] is second.props['columns'] is columns
    assert json.loads(nicegui.json.dumps(first._to_dict()))['props']['columns'] == list(columns)  # sent as a list


async def test_once_a_page_is_connected_its_request_keeps_nothing_it_needed_for_answering(user: User) -> None:
    await user.open('/')
    assert user.client is not None
    request = user.client.request
    # Neither the connection's receive and send (and the protocol objects behind them) nor FastAPI's exit stacks...
    assert request.receive is nicegui_tuning._receive_nothing
    assert request._send is nicegui_tuning._send_nothing
    assert not [key for key, value in request.scope.items() if isinstance(value, AsyncExitStack)]
    # ...but what NiceGUI reads of it later: the session (app.storage.browser and .user), the headers, the state.
    assert request.session['id'] == app.storage.browser['id']
    assert request.headers['host']
    assert request.state.responded


async def test_once_a_page_is_connected_its_socket_keeps_no_reader_of_a_body(user: User) -> None:
    async def connecting() -> dict[str, Any]:
        return {'type': 'websocket.connect'}
    scope = {'type': 'websocket', 'path': '/_nicegui_ws/socket.io/', 'query_string': b'EIO=4', 'headers': []}
    environ, another = [await translate_request(scope, connecting, None)  # type: ignore[no-untyped-call]
                        for _ in range(2)]
    assert type(environ['wsgi.input']) is not type(another['wsgi.input'])  # Engine.IO's class made per request
    await user.open('/')
    assert user.client is not None
    user.client.environ = environ  # as a real socket's (the simulated user's has none)
    assert nicegui_tuning._let_the_page_request_go in app._connect_handlers  # run by NiceGUI once a page is connected
    nicegui_tuning._let_the_page_request_go(user.client)
    assert 'wsgi.input' not in environ
    assert environ['QUERY_STRING'] == 'EIO=4'  # the rest stays


def test_niceguis_page_escapes_its_elements_with_the_table_the_quick_escape_stands_for() -> None:
    build_response = inspect.getsource(nicegui_tuning._build_response)  # NiceGUI's own (tuning 8 wraps it)
    assert 'elements = json.dumps(' in build_response  # the elements' JSON comes from the client module's `json`...
    assert 'elements.translate(HTML_ESCAPE_TABLE)' in build_response  # ...and is escaped with this table
    assert str.maketrans(dict(nicegui_tuning.HTML_ESCAPES)) == nicegui.client.HTML_ESCAPE_TABLE


@pytest.mark.parametrize('text', ['', 'plain', '<b>$`&amp;</b>', '&&<<>>``$$', '{"a":"</script><script>x`${y}`"}',
                                  'é ü 漢字 \u2028 ✓ & done'])
def test_the_quick_escape_gives_the_same_text_as_translate(text: str) -> None:
    quick = nicegui_tuning._QuickEscape(text)
    assert quick.translate(nicegui.client.HTML_ESCAPE_TABLE) == text.translate(nicegui.client.HTML_ESCAPE_TABLE)
    other = str.maketrans({'a': 'b'})
    assert quick.translate(other) == text.translate(other)  # any other table: str's own translate


async def test_a_page_is_built_with_the_quick_escape_and_its_text_arrives_escaped(user: User) -> None:
    @ui.page('/escaped')
    def page() -> None:
        ui.label('<b>$`&amp; 5 > 4')

    assert isinstance(nicegui.client.json.dumps({'a': 1}), nicegui_tuning._QuickEscape)  # type: ignore[attr-defined]
    response = await user.http_client.get('/escaped')
    assert '&lt;b&gt;&#36;&#96;&amp;amp; 5 &gt; 4' in response.text
    assert '<b>$`&amp; 5 > 4' not in response.text


def test_niceguis_outbox_sends_only_the_components_it_does_not_know_of() -> None:
    loop = inspect.getsource(nicegui.outbox.Outbox.loop)
    assert "'load_js_components'" in loop
    assert 'component.name not in self._loaded_components' in loop  # what tuning 8 fills in


async def test_a_built_page_s_outbox_knows_the_components_its_html_imports(user: User) -> None:
    @ui.page('/components')
    def page() -> None:
        ui.table(rows=[])

    response = await user.http_client.get('/components')
    client = next(client for client in nicegui.Client.instances.values()
                  if any(isinstance(element, ui.table) for element in client.elements.values()))
    table = next(element for element in client.elements.values() if isinstance(element, ui.table))
    assert table.component is not None
    assert f'/components/{table.component.key}' in response.text  # the page's HTML imports the table's JavaScript...
    assert table.component.name in client.outbox._loaded_components  # ...so the outbox will not send it again


def test_niceguis_outbox_looks_for_its_page_s_connection_ten_times_a_second() -> None:
    loop = inspect.getsource(nicegui.outbox.Outbox.loop)
    assert 'if not client or not client.has_socket_connection:\n                    await asyncio.sleep(0.1)' in loop
    assert "name=f'outbox loop {client.id}'" in inspect.getsource(nicegui.outbox.Outbox.__init__)
    assert nicegui_tuning.OUTBOX_LOOP == 'outbox loop '
    assert 'self._connected.set()' in inspect.getsource(nicegui.Client.handle_handshake)  # what tuning 9 waits for
    assert 'self._connected.set()' in inspect.getsource(nicegui.Client.delete)  # and what ends it on deletion


async def test_an_unconnected_page_s_outbox_waits_for_its_connection_instead_of_looking(
        user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    looks: list[str] = []
    sleep = asyncio.sleep

    async def noting_sleep(delay: float, *args: Any) -> Any:
        task = asyncio.current_task()
        if task is not None and task.get_name().startswith('outbox loop '):
            looks.append(task.get_name())
        return await sleep(delay, *args)
    monkeypatch.setattr(asyncio, 'sleep', noting_sleep)

    before = set(nicegui.Client.instances)
    await user.http_client.get('/')  # a page built, whose browser never connects
    await sleep(0.5)
    (page,) = [client for client_id, client in nicegui.Client.instances.items() if client_id not in before]
    assert not page.has_socket_connection
    assert not [name for name in looks if name.endswith(page.id)]  # NiceGUI's own outbox: five looks by now
