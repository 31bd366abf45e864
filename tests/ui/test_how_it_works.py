"""The learner's window, with NiceGUI's simulated user: every layer of a guess, only on its own page, and nothing
hooked anywhere while every window is closed."""
from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from typing import Any

from nicegui import core, ui
from nicegui.testing import User
from sqlalchemy import event

import db
import db.watch
import nicegui_hooks
from db import engine
from ui.game_panel import GamePanel
from ui.how_it_works import Window

from .players import element, label, play_to_win, sign_in


async def send(user: User, marker: str, event_type: str, *args: Any) -> None:
    """Send an event the way nicegui.js does (each argument as JSON text), through the socket guard.

    NiceGUI's simulated user calls handlers directly and connects no socket; this message goes the way a browser's
    does, so the socket guard sees it first. The guard only accepts a message from a socket in its page's room, so a
    test socket joins the room (as NiceGUI's handshake does for a real one) while the message is delivered.
    """
    client, (target,) = user.client, user.find(marker=marker).elements
    assert client is not None
    listener = next(listener for listener in target._event_listeners.values()
                    if listener.type.split('.')[0] == event_type)
    socket = f'test-socket-{client.id}'
    await core.sio.manager.enter_room(socket, '/', client.id, eio_sid=socket)
    try:
        await core.sio.handlers['/']['event'](socket, {'id': target.id, 'client_id': client.id,
                                                       'listener_id': listener.id,
                                                       'args': [json.dumps(arg) for arg in args]})
    finally:
        await core.sio.manager.leave_room(socket, '/', client.id)


async def open_window(user: User) -> Window:
    user.find(marker='how-it-works').click()
    await user.should_see(marker='window')
    (window,) = user.find(kind=Window).elements
    return window


async def entries(user: User, newest: int | None) -> list[str]:
    """The window's entries as a reader sees them, newest first, once the newest is action number ``newest``."""
    for _ in range(300):
        found = [text_of(entry.content) for entry in element(user, 'actions', ui.column).descendants()
                 if isinstance(entry, ui.html)]
        if (newest is None and not found) or (found and found[0].startswith(f'#{newest} · ')):
            return found
        await asyncio.sleep(0.01)
    raise AssertionError(f'the newest action in the window is not #{newest}: {[entry[:40] for entry in found]}')


def game_panel(user: User) -> GamePanel:
    (panel,) = user.find(kind=GamePanel).elements
    return panel


def text_of(html: str) -> str:
    """What a reader sees of an entry's HTML."""
    return re.sub(r'<[^>]+>', '', html).replace('&quot;', '"').replace('&#x27;', "'").replace('&amp;', '&')


def hooked(user: User) -> dict[str, bool]:
    """Which hooks of the learner's window are in place for this user's page (and for the database)."""
    assert user.client is not None
    box = element(user, 'guess-box', ui.input)
    database = engine._database
    assert database is not None
    assert database.sqlite is not None
    return {
        'page': user.client.id in nicegui_hooks.watched,
        'outbox': user.client.outbox._emit.__name__ == 'emit_and_tell',
        'handler': any(listener.handler.__name__ == 'timed' for listener in box._event_listeners.values()
                       if listener.handler is not None),
        'writer': 'queue' in vars(db.rounds.writer()),
        'statements': event.contains(database.sqlite, 'after_cursor_execute', db.watch._after),
    }


async def test_a_guess_shows_every_layer_on_its_own_page_and_nothing_on_another(
        create_user: Callable[[], User]) -> None:
    ann, bob = create_user(), create_user()
    await sign_in(bob, name='Bob', max_number=100)
    await sign_in(ann, name='Ann', max_number=100)
    await open_window(ann)
    assert bob.client is not None
    sent_to_bob = bob.client.outbox.next_message_id  # counts every message NiceGUI sends to Bob's page
    secret = game_panel(ann).round.secret
    number = 50 if secret != 50 else 51

    await send(ann, 'guess-box', 'keydown', str(number))

    (shown,) = await entries(ann, 1)
    said = 'higher' if number < secret else 'lower'
    assert f'#1 · Guess “{number}”: {said}' in shown
    # 1. The message as the browser sent it: the guess box's keydown listener, with the typed text as JSON.
    box = element(ann, 'guess-box', ui.input)
    (listener,) = box._event_listeners.values()
    assert '1. Browser → server · at ' in shown
    assert f'A “keydown” event (Enter) of QuietInput {box.id} "guess-box"' in shown
    assert f'"id": {box.id},' in shown
    assert f'"listener_id": "{listener.id}"' in shown
    assert f'"args": [\n      "\\"{number}\\""\n    ]' in shown
    # 2. The handler, where it is, and the rules' answer.
    line = GamePanel.submit.__code__.co_firstlineno
    assert '2. Python · took' in shown
    assert f'NiceGUI called GamePanel.submit (ui/game_panel.py, line {line}).' in shown
    assert f'answered: {said}.' in shown
    # 3. The UPDATE that stored it, with this round's values, in a transaction of the group commit.
    assert re.search(r'3\. Database · \+[\d.,]+ ms, 1 statement', shown)
    assert 'UPDATE active_round\n  SET guesses=?' in shown
    assert f'"after": "{number}"' in shown
    assert '"before": ""' in shown
    assert 'one transaction' in shown
    # 4. The update sent back, with the answer in it.
    assert re.search(r'4\. Server → browser · \+[\d.,]+ ms, [\d,]+ bytes', shown)
    assert 'Label' in shown
    assert '"feedback"' in shown
    assert '"guess-box"' in shown
    assert label(ann, 'feedback').text.startswith(f'{number} is too')

    assert bob.client.outbox.next_message_id == sent_to_bob  # Bob's page was sent nothing at all
    assert hooked(bob)['page'] is False
    await bob.should_not_see(kind=Window)


async def test_nothing_is_hooked_while_every_window_is_closed(user: User) -> None:
    await sign_in(user, name='Ann', max_number=100)
    assert not any(hooked(user).values())
    assert user.client is not None
    elements, messages = len(user.client.elements), user.client.outbox.next_message_id

    await send(user, 'guess-box', 'keydown', '50')
    await user.should_see('Guesses: 1')
    await db.written()
    assert len(user.client.elements) == elements  # a guess makes no element
    assert user.client.outbox.next_message_id == messages + 1  # and its answer is one message

    await open_window(user)
    assert all(hooked(user).values())
    user.find(marker='how-it-works').click()  # closed again
    await user.should_not_see(marker='window')
    for _ in range(100):  # the database's listeners are removed in the database's thread
        if not any(hooked(user).values()):
            break
        await asyncio.sleep(0.01)
    assert not any(hooked(user).values())


async def test_a_pages_window_goes_with_the_page(user: User) -> None:
    await sign_in(user, name='Ann', max_number=100)
    await open_window(user)
    await send(user, 'guess-box', 'keydown', 'abc')
    await entries(user, 1)
    assert user.client is not None
    assert user.client.id in nicegui_hooks.watched
    assert db.watch.is_watching()

    user.client.delete()  # what NiceGUI does once a closed page's socket has been gone for reconnect_timeout
    assert user.client.id not in nicegui_hooks.watched
    for _ in range(100):
        if not db.watch.is_watching():
            break
        await asyncio.sleep(0.01)
    assert not db.watch.is_watching()


async def test_a_win_shows_its_transaction_and_broadcast_but_never_a_secret_to_come(
        create_user: Callable[[], User]) -> None:
    ann, bob = create_user(), create_user()
    await sign_in(bob, name='Bob', max_number=100)  # Bob's board shows the 1–100 top 10
    await sign_in(ann, name='Ann', max_number=100)
    await open_window(ann)

    count = await play_to_win(ann)  # NiceGUI's simulated user calls the handlers directly: no messages

    shown = await entries(ann, count)
    win = shown[0]
    assert win.startswith(f'#{count} · Win')
    assert 'No websocket message: the handler was called directly' in win
    assert 'GamePanel.submit (ui/game_panel.py' in win
    assert 'which calls GamePanel._finish' in win
    for sql in ('DELETE FROM active_round', 'INSERT INTO score', 'INSERT INTO active_round', 'SELECT count(*)'):
        assert sql in win
    assert f'"secret": "{db.watch.HIDDEN}"' in win  # the next round's, dealt in the same transaction
    assert '1 other page of this range got the new table' in win
    next_round = game_panel(ann).next_round
    assert next_round is not None
    assert f'"secret": {next_round.secret}' not in ''.join(shown)
    assert all(entry.startswith(f'#{count - index} · Guess') for index, entry in enumerate(shown[1:], 1))

    await send(ann, 'guess-box', 'keydown', '')  # Enter after a win: the next round
    again = (await entries(ann, count + 1))[0]
    assert again.startswith(f'#{count + 1} · Play again')
    assert 'which calls GamePanel.play_again' in again
    assert 'No statement: the next round was dealt when you won' in again


async def test_the_window_keeps_the_last_twenty_newest_first_and_can_be_cleared(user: User) -> None:
    await sign_in(user, name='Ann', max_number=100)
    await open_window(user)
    for number in range(22):
        await send(user, 'guess-box', 'keydown', f'x{number}')
        await entries(user, number + 1)

    shown = await entries(user, 22)
    assert len(shown) == 20
    assert [entry.split(' · ')[0] for entry in shown] == [f'#{number}' for number in range(22, 2, -1)]
    assert shown[0].startswith('#22 · Refused “x21”: That is not a number.')
    assert 'No statement: nothing to store.' in shown[0]

    user.find(marker='clear').click()
    await user.should_see('Nothing yet.')
    assert await entries(user, None) == []
