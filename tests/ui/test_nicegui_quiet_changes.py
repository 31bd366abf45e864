"""nicegui_quiet_changes.py: pages are built and sent as before, with less work; each test of what it relies on fails
if a NiceGUI upgrade changes it."""
from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest
from nicegui import Client, binding, events, ui
from nicegui.classes import Classes
from nicegui.element import Element
from nicegui.observables import ObservableCollection
from nicegui.outbox import Outbox
from nicegui.page import page
from nicegui.props import Props
from nicegui.style import Style
from nicegui.testing import User

import nicegui_quiet_changes
from nicegui_tuning import QuietInput, QuietTable
from ui.playing import PlayingNow
from ui.score_board import COLUMNS, ScoreBoard
from ui.welcome import PlayerForm


@pytest.fixture
def niceguis_own(monkeypatch: pytest.MonkeyPatch) -> Callable[[bool], None]:
    """``use(quiet)``: NiceGUI's own handling of changes (False) or this module's (True), for the rest of a test."""
    def use(quiet: bool) -> None:
        quiet_changes = nicegui_quiet_changes
        monkeypatch.setattr(ObservableCollection, '_handle_change', quiet_changes._handle_change_unless_waiting
                            if quiet else quiet_changes._handle_change)
        monkeypatch.setattr(binding.BindableProperty, '__set__', quiet_changes._set_bindable
                            if quiet else quiet_changes._bindable_set)
    return use


def build_everything() -> Client:
    """A page's worth of elements of every kind Hi-Lo uses, plus some that must go NiceGUI's way, in a new client."""
    client = Client(page('/'), request=None)
    with client:
        ui.label('a label').classes('text-sm').props('role=status').style('color: red')
        ui.html('<b>fixed</b>').classes('flex')
        ui.button('Play', icon='play_arrow').props('flat').classes('self-end')
        QuietInput('Your name', value='Zoë').props('outlined maxlength=24').classes('w-full').mark('name')
        ui.toggle({10: '10', 100: '100'}, value=100).props('no-caps')  # ui.toggle overrides update()
        ui.switch('How it works')
        ui.link('home', '/')
        with ui.card().classes('w-full'):
            ui.label('inside').bind_visibility_from(client, 'has_socket_connection')
        table = QuietTable(columns=COLUMNS, row_key='id').props('flat dense title="High scores"')
        table.rows = [{'id': 1, 'rank': 1, 'name': 'Ann'}]  # a nested list: observed by its parent, NiceGUI's way
        renamed = ui.element()
        renamed.props['resource_path'] = '/x'  # a prop NiceGUI renames, in Props._update
        PlayerForm(name='Ann', max_number=100)
        PlayingNow(100)
        ScoreBoard(player_id='someone')
    return client


def sent(client: Client) -> dict[int, Any]:
    """What the outbox would send for the client's elements now (listener ids are random: left out)."""
    def without_listener_ids(element: dict[str, Any]) -> dict[str, Any]:
        return {**element, 'events': [{key: value for key, value in listener.items() if key != 'listener_id'}
                                      for listener in element.get('events', [])]}
    assert set(client.outbox.updates) == set(client.elements)  # every element waits to be sent, the new ones too
    return {element_id: without_listener_ids(element._to_dict()) for element_id, element in client.elements.items()}


def test_a_page_is_built_and_sent_as_niceguis_own_handling_sends_it(niceguis_own: Callable[[bool], None]) -> None:
    niceguis_own(False)
    theirs = build_everything()
    niceguis_own(True)
    ours = build_everything()
    assert sent(ours) == sent(theirs)
    renamed = next(element for element in ours.elements.values() if 'resource-path' in element.props)
    assert renamed.props['resource-path'] == '/x'  # renamed as NiceGUI does


def test_building_an_element_runs_no_change_handler(niceguis_own: Callable[[bool], None],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    handle_event = events.handle_event

    def counting(handler: Any, arguments: Any, **kwargs: Any) -> None:
        calls.append(handler)
        handle_event(handler, arguments, **kwargs)
    monkeypatch.setattr(events, 'handle_event', counting)
    counts = []
    for quiet in (False, True):
        niceguis_own(quiet)
        calls.clear()
        with Client(page('/'), request=None):
            ui.button('Play', icon='play_arrow').props('flat')
            QuietInput('Your name', value='Ann').props('outlined').classes('w-full')
        counts.append(len(calls))
    niceguis_own_count, quiet_count = counts
    assert niceguis_own_count >= 10  # each a round through NiceGUI's handlers, only to enqueue a waiting element
    assert quiet_count == 0


def test_a_change_after_the_element_was_sent_is_sent_again(niceguis_own: Callable[[bool], None]) -> None:
    niceguis_own(True)
    with Client(page('/'), request=None) as client:
        label = ui.label('before')
    client.outbox.updates.clear()  # as the outbox's loop does once it has sent them
    label.props['title'] = 'after'
    label.classes('text-sm')
    assert client.outbox.updates.get(label.id) is label


def test_a_handler_of_someone_else_still_hears_every_change(niceguis_own: Callable[[bool], None]) -> None:
    niceguis_own(True)
    heard: list[str] = []
    with Client(page('/'), request=None) as client:
        label = ui.label('x')
        label._props.on_change(lambda: heard.append('props'))
        label._classes.on_change(lambda: heard.append('classes'))
        assert client.outbox.updates.get(label.id) is label  # waiting: NiceGUI's own handler would add nothing
        label.props['title'] = 'changed'
        label.classes('text-sm')
    assert heard == ['props', 'classes']


def test_a_binding_from_a_new_element_still_passes_values_on(niceguis_own: Callable[[bool], None]) -> None:
    niceguis_own(True)

    class Model:
        text = 'nothing yet'
    model = Model()
    with Client(page('/'), request=None):
        label = ui.label('first').bind_text_to(model, 'text')
        label.text = 'second'
    assert model.text == 'second'


def test_a_bindable_property_without_bindings_is_not_passed_on(niceguis_own: Callable[[bool], None],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    passed: list[Any] = []
    propagate = binding._propagate

    def noting(*args: Any) -> None:
        passed.append(args)
        propagate(*args)
    monkeypatch.setattr(binding, '_propagate', noting)
    niceguis_own(True)
    with Client(page('/'), request=None):
        label = ui.label('first')
        label.text = 'second'
    assert label.text == 'second'
    assert passed == []


def test_niceguis_collections_of_an_element_have_their_own_update_as_their_one_handler() -> None:
    with Client(page('/'), request=None) as client:
        label = ui.label('x')
    for collection, kind in ((label._props, Props), (label._classes, Classes), (label._style, Style)):
        assert type(collection) is kind
        assert collection._change_handlers == [(collection._update, False)]
        assert 'element.update()' in inspect.getsource(kind._update)  # what the handler does with a change
    assert client.outbox.updates.get(label.id) is label  # an element is put into the outbox as soon as it exists
    assert 'client.outbox.enqueue_update(self)' in inspect.getsource(Element.__init__)
    assert 'self.client.outbox.enqueue_update(self)' in inspect.getsource(Element.update)


def test_niceguis_outbox_sends_each_waiting_element_as_it_is_when_it_sends() -> None:
    loop = inspect.getsource(Outbox.loop)
    assert 'element._to_dict()' in loop
    assert 'for element_id, element in self.updates.items()' in loop
    assert 'self.updates.clear()' in loop
    assert 'self.updates[element.id] = element' in inspect.getsource(Outbox.enqueue_update)


def test_niceguis_change_handling_and_bindable_property_are_the_ones_this_replaces() -> None:
    handle_change = inspect.getsource(nicegui_quiet_changes._handle_change)
    assert 'self.last_modified = time.time()' in handle_change
    assert 'for handler, expect_args in self._change_handlers_with_args:' in handle_change
    # _set_bindable is NiceGUI's BindableProperty.__set__ with one condition added: the lines it repeats are these.
    bindable_set = inspect.getsource(nicegui_quiet_changes._bindable_set)
    for line in ("has_attr = hasattr(owner, '___' + self.name)", '_make_copyable(type(owner))',
                 "value_changed = has_attr and getattr(owner, '___' + self.name) != value",
                 "setattr(owner, '___' + self.name, value)", 'bindable_properties[(id(owner), (self.name,))] = owner',
                 '_propagate(owner, (self.name,))', 'self._change_handler(owner, value)'):
        assert line in bindable_set
    assert len([line for line in bindable_set.splitlines() if line.strip()]) == 12  # and the def: nothing more
    # Passing a value on only follows bindings that start at the property.
    assert 'bindings.get((source_obj_id, source_name), [])' in inspect.getsource(binding._propagate_recursively)


async def test_the_game_builds_its_pages_with_it(user: User) -> None:
    await user.open('/')
    assert ObservableCollection._handle_change is nicegui_quiet_changes._handle_change_unless_waiting
    assert binding.BindableProperty.__set__ is nicegui_quiet_changes._set_bindable
    await user.should_see('Your name')
