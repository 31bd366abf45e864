"""What nicegui_hooks.py relies on inside NiceGUI still holds: each test fails if an upgrade changes it."""
from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import nicegui
from nicegui import Event, core, ui
from nicegui.events import GenericEventArguments
from nicegui.testing import User
from socketio import packet

import nicegui_hooks

from .test_how_it_works import send

NICEGUI = Path(nicegui.__file__).parent


async def test_a_message_reaches_the_window_as_the_browser_sent_it(user: User) -> None:
    # nicegui.js sends these fields, each argument as JSON text...
    assert '''window.socket?.emit("event", {
          id: id,
          client_id: window.clientId,
          listener_id: event.listener_id,
          args: stringifyEventArgs(args, event.args),''' in (NICEGUI / 'static' / 'nicegui.js').read_text()
    await user.open('/')
    assert user.client is not None
    with user.client:
        button = ui.button('x').on('click', lambda event: handled.append(event.args)).mark('x')
    handled: list[Any] = []
    noted: list[dict[str, Any]] = []
    nicegui_hooks.watched[user.client.id] = noted.append
    try:
        await send(user, 'x', 'click', {'a': 1})
    finally:
        del nicegui_hooks.watched[user.client.id]
    # ...and NiceGUI decodes them in the message it handles: the window's copy keeps them as they came.
    (listener,) = button._event_listeners.values()
    assert noted == [{'id': button.id, 'client_id': user.client.id, 'listener_id': listener.id, 'args': ['{"a": 1}']}]
    assert handled == [{'a': 1}]


async def test_a_listener_s_handler_is_looked_up_each_time_an_event_comes(user: User) -> None:
    await user.open('/')
    assert user.client is not None
    calls: list[str] = []
    with user.client:
        button = ui.button('x', on_click=lambda: calls.append('handler')).mark('x')

    def around(element: ui.element, listener_id: str, kind: str, handler: Any, event: GenericEventArguments) -> Any:
        calls.append(f'around {kind} {element is button} {listener_id in button._event_listeners}')
        return nicegui_hooks.call(handler, event)
    put_back = nicegui_hooks.time_listeners([button], around)
    await send(user, 'x', 'click')  # through NiceGUI's own handling of a message: Client.handle_event
    user.find(marker='x').click()  # and as its simulated user clicks
    put_back()
    await send(user, 'x', 'click')
    assert calls == ['around click True True', 'handler', 'around click True True', 'handler', 'handler']


async def test_every_message_to_a_page_goes_through_its_outbox_s_emit(user: User) -> None:
    await user.open('/')
    assert user.client is not None
    with user.client:
        label = ui.label('before')
    await asyncio.sleep(0.05)  # the label's creation has been sent
    sent: list[tuple[str, dict[Any, Any], int]] = []
    stop = nicegui_hooks.watch_outbox(user.client, lambda kind, data, size: sent.append((kind, dict(data), size)))
    label.text = 'after'
    for _ in range(100):
        if any(label.id in data for _, data, _ in sent):
            break
        await asyncio.sleep(0.01)
    stop()
    kind, data, size = next(message for message in sent if label.id in message[1])
    assert kind == 'update'
    assert data[label.id]['text'] == 'after'
    assert isinstance(data['_id'], int)  # set by _emit before it sends: the frame as it went out
    assert user.client.outbox._emit.__name__ == 'simulated_emit'  # the simulated user's own, put back
    # The size is that of the frame python-socketio sends: Engine.IO's "4" and the encoded Socket.IO packet.
    frame = '4' + core.sio.packet_class(packet.EVENT, data=['update', data]).encode()  # type: ignore[no-untyped-call]
    assert frame.startswith('42["update",{')
    assert size == len(frame.encode()) == nicegui_hooks.frame_size('update', data)
    assert json.loads(frame[2:]) == json.loads(json.dumps(['update', data], default=str))


async def test_subscribers_and_waiting_updates_tell_which_pages_a_broadcast_reached(user: User) -> None:
    await user.open('/')
    assert user.client is not None
    news: Event[str] = Event()
    with user.client:
        label = ui.label()
        news.subscribe(label.set_text)
    ((owner, client),) = nicegui_hooks.receivers([news], lambda element: isinstance(element, ui.label))
    assert (owner, client) == (label, user.client)

    since = time.perf_counter()
    news.emit('news')
    assert label.id in user.client.outbox.updates  # waiting to be sent
    seconds = await nicegui_hooks.sent([user.client], since=since)
    assert seconds is not None
    assert 0 < seconds < 1
    assert label.id not in user.client.outbox.updates  # (other elements of the page may have news of their own)

    label.delete()
    assert nicegui_hooks.receivers([news], lambda element: True) == []


async def test_an_element_is_named_by_its_class_id_and_marker_or_label(user: User) -> None:
    await user.open('/')
    assert user.client is not None
    with user.client:
        marked, plain, labelled = ui.label().mark('feedback big'), ui.button(), ui.html().props('aria-label=Guesses')
    assert nicegui_hooks.name(marked) == f'Label {marked.id} "feedback"'
    assert nicegui_hooks.name(plain) == f'Button {plain.id}'
    assert nicegui_hooks.name(labelled) == f'Html {labelled.id} "Guesses"'
