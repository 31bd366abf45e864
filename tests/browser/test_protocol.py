"""What travels over the websocket, counted in a real Chromium: one message per guess each way, and the load
generator (tests/load/) sends what the browser sends, so that the benchmark measures what players cause.
"""
from __future__ import annotations

import asyncio
import json
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from playwright.sync_api import Page, expect

from tests.load.browserless import Page as BrowserlessPage
from tests.load.players import feedback_id, play_again, sign_in
from tests.server import Server

from .conftest import PageMaker
from .players import FRAMES, feedback, guess, guess_box
from .players import sign_in as sign_in_in_chromium


def events(frames: list[str]) -> list[tuple[str, Any]]:
    """The Socket.IO events among websocket frames, decoded; without Engine.IO's pings and pongs, and without the
    acknowledgements nicegui.js sends every 3 s whatever happens (they are not caused by the player's actions)."""
    decoded = []
    for frame in frames:
        if frame.startswith('42'):
            name, *data = json.loads(frame[2:])
            if name != 'ack':
                decoded.append((name, data[0] if data else None))
    return decoded


def settle(page: Page) -> None:
    """Wait until the page has received everything the server had to say (its board, its view)."""
    received = -1
    while received != page.evaluate('window.nextMessageId'):
        received = page.evaluate('window.nextMessageId')
        page.wait_for_timeout(300)


def test_a_guess_is_one_message_each_way(page: Page) -> None:
    sign_in_in_chromium(page, name='Counter', max_number=1_000_000)
    settle(page)
    frames = FRAMES[page]
    for text in ('500000', 'abc', '250000'):  # a guess, a refused one, another guess
        page.keyboard.press('Control+A')  # what was typed before (a refused guess stays in the box) is replaced
        sent, received = len(frames.sent), len(frames.received)
        answer = guess(page, text)
        settle(page)
        assert events(frames.sent[sent:]) == [('event', events(frames.sent[sent:])[0][1])], frames.sent[sent:]
        assert events(frames.sent[sent:])[0][1]['args'] == [json.dumps(text)]  # the text, typed keys not sent
        kinds = [name for name, _ in events(frames.received[received:])]
        assert kinds == ['update'], (text, answer, frames.received[received:])  # no run_javascript
    expect(guess_box(page)).to_be_focused()  # and the keyboard stays where it was


def test_a_win_and_play_again_are_one_message_each_way(page: Page) -> None:
    sign_in_in_chromium(page, name='Winner', max_number=10)
    settle(page)
    frames = FRAMES[page]
    low, high = 1, 10
    while True:
        sent, received = len(frames.sent), len(frames.received)
        middle = (low + high) // 2
        answer = guess(page, str(middle))
        settle(page)
        assert len(events(frames.sent[sent:])) == 1
        assert [name for name, _ in events(frames.received[received:])] == ['update'], answer
        if 'correct' in answer:
            break
        low, high = (middle + 1, high) if 'too low' in answer else (low, middle - 1)
    sent, received = len(frames.sent), len(frames.received)
    page.keyboard.press('Enter')  # Play again
    expect(feedback(page)).to_have_text('Type a guess and press Enter.')
    settle(page)
    assert len(events(frames.sent[sent:])) == 1
    assert [name for name, _ in events(frames.received[received:])] == ['update']


def test_joining_brings_no_component_the_page_already_has(page: Page) -> None:
    sign_in_in_chromium(page, name='Joiner', max_number=100)  # the welcome page, its board's rows, signing in
    settle(page)
    received = [name for name, _ in events(FRAMES[page].received)]
    assert 'update' in received, received  # the game view came over the socket
    # The page's HTML imported the JavaScript of the table, the views and the boxes (nicegui_tuning 8).
    assert 'load_js_components' not in received, received
    expect(guess_box(page)).to_be_focused()  # the game view is there and works as before
    assert guess(page, '50').startswith('50 is '), 'the guess was answered'


def shape(value: Any) -> Any:
    """What a message looks like without its values: keys and types, with JSON strings inside decoded."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items() if key != '_id'}
    if isinstance(value, list | tuple):
        return [shape(item) for item in value]
    if isinstance(value, str) and value[:1] in {'"', '{', '['}:
        return ['json', shape(json.loads(value))]
    return type(value).__name__


def kinds(frames: list[str]) -> list[Any]:
    """The events sent, each kind once, in the order they first appear: which element sent it (both pages build
    their elements in the same order, so the same ids) and the shape of what it carries."""
    shapes: list[Any] = []
    for name, data in events(frames):
        kind = (name, data.get('id') if isinstance(data, dict) else None, shape(data))
        if kind not in shapes:
            shapes.append(kind)
    return shapes


def test_the_load_generator_sends_what_chromium_sends(new_page: PageMaker, server: Server) -> None:
    # Chromium: load, sign in, one guess, a win, Play again.
    chromium = new_page()
    addresses: list[str] = []
    chromium.on('websocket', lambda socket: addresses.append(socket.url))
    sign_in_in_chromium(chromium, name='Browser', max_number=10)
    settle(chromium)
    low, high = 1, 10
    while 'correct' not in (answer := guess(chromium, str((low + high) // 2))):
        middle = (low + high) // 2
        low, high = (middle + 1, high) if 'too low' in answer else (low, middle - 1)
    settle(chromium)
    chromium.keyboard.press('Enter')
    expect(feedback(chromium)).to_have_text('Type a guess and press Enter.')
    settle(chromium)
    browser_sent = FRAMES[chromium].sent

    # The load generator, the same actions.
    with ThreadPoolExecutor(1) as thread:  # Playwright's own event loop runs in this thread
        generator_sent, generator_address = thread.submit(asyncio.run, _generator_plays(server.url)).result()

    assert browser_sent[0] == generator_sent[0] == '40'  # joining the namespace
    # The same kinds of message in the same order (how many guesses a round takes depends on its secret).
    assert kinds(browser_sent) == kinds(generator_sent), (events(browser_sent), events(generator_sent))
    assert len(kinds(browser_sent)) == 3  # the range typed, signing in, a guess (Play again sends an empty guess)
    browser_query, generator_query = (parse_qsl(urlsplit(address).query) for address in (addresses[0],
                                                                                          generator_address))
    assert [name for name, _ in browser_query] == [name for name, _ in generator_query]
    assert dict(browser_query)['implicit_handshake'] == dict(generator_query)['implicit_handshake'] == 'true'


async def _generator_plays(url: str) -> tuple[list[str], str]:
    async with httpx.AsyncClient(base_url=url) as http:
        page = BrowserlessPage(http, record=True)
        await sign_in(page, name='Generator', max_number=10)
        low, high = 1, 10
        while True:
            middle = (low + high) // 2
            before = page.text(feedback_id(page))
            await page.enter('Your guess', str(middle))
            await page.wait_for(lambda before=before: page.text(feedback_id(page)) != before)  # type: ignore[misc]
            answer = page.text(feedback_id(page))
            if 'correct' in answer:
                break
            low, high = (middle + 1, high) if 'too low' in answer else (low, middle - 1)
        await play_again(page)
        await page.wait_for(lambda: page.text(feedback_id(page)).startswith('Type a guess'))
        assert page.socket is not None
        assert page.socket.sent is not None
        sent, address = list(page.socket.sent), page.socket.address
        await page.close()
    return sent, address


def test_forged_frames_are_named_by_what_they_carry() -> None:
    """The comparison above would pass for empty recordings: make sure `shape` tells messages apart."""
    guess_event = ('event', {'id': 1, 'client_id': 'x', 'listener_id': 'y', 'args': ['"50"']})
    sign_in_event = ('event', {'id': 1, 'client_id': 'x', 'listener_id': 'y', 'args': ['"Ann"', '"100"']})
    typing_event = ('event', {'id': 1, 'client_id': 'x', 'listener_id': 'y', 'args': ['{"key":"5"}']})
    assert len({re.sub(r'\s', '', json.dumps(shape(event))) for event in (guess_event, sign_in_event,
                                                                         typing_event)}) == 3
