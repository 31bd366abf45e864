"""Forged Socket.IO messages against the real server: none changes a score, reveals a secret or stops the game.

The attacker here speaks NiceGUI's protocol directly (tests/load/browserless.py), so it can send what no page
would: any value, any shape, any client id, as many as it likes.
"""
from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path

import httpx
import pytest
import socketio

from tests.load.browserless import Page
from tests.load.players import feedback_id
from tests.server import Server

from .bots import guess, open_round, player_id, scores, signed_in


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Server]:
    with Server(tmp_path / 'data') as running:
        yield running


@pytest.fixture
async def victim(server: Server) -> AsyncIterator[tuple[Page, str]]:
    """A player in the middle of a 1–1,000,000 round, with two guesses made."""
    async with httpx.AsyncClient(base_url=server.url) as http:
        page = await signed_in(http, name='Victim', max_number=1_000_000)
        secret, _ = open_round(server.data_dir / 'hilo.sqlite3', player_id(http))
        for number in (1, 1_000_000):
            assert 'correct' not in await guess(page, str(number if number != secret else 2))
        yield page, player_id(http)
        await page.close()


@pytest.fixture
async def attacker(server: Server) -> AsyncIterator[Page]:
    """Another player, on the game page of the same range, who will forge messages."""
    async with httpx.AsyncClient(base_url=server.url) as http:
        page = await signed_in(http, name='Mallory', max_number=1_000_000)
        yield page
        await page.close()


async def test_forged_values_are_refused_and_not_counted(server: Server, attacker: Page) -> None:
    database = server.data_dir / 'hilo.sqlite3'
    box = attacker.find(label='Your guess')
    values = [0, -1, 1_000_001, 10**100, 2.5, float('nan'), float('inf'), '1e3', ' ', '', None, True, [],
              {'secret': 1}, ['500'], 'x' * 100_000, '1' * 5000, '12abc', '0x10']
    for value in values:  # as the one argument of Enter in the guess box, and as extra or missing arguments
        await attacker.emit(box, 'keydown', value)
        await attacker.emit(box, 'keydown', value, value)
    await attacker.emit(box, 'keydown')
    # The socket guard paces a flood and keeps its order: once the last one is answered, all of them were.
    await attacker.emit(box, 'keydown', 'the last forged value')
    await attacker.wait_for(lambda: attacker.props(box).get('value') == 'the last forged value', seconds=20)
    assert attacker.props(box).get('error-message') == 'That is not a number. Type a whole number from 1 to 1,000,000.'
    answer = await guess(attacker, '500001')  # a real guess still works afterwards
    assert re.match(r'500,001 is too (low|high)|500,001 is correct', answer)
    if 'correct' not in answer:  # (a one-in-a-million win ends the round, so there is nothing left to look at)
        assert await stored_soon(database, player_id(attacker.http), '500001')  # only the valid guess counted
    assert [name for name, _ in scores(database)] in ([], ['Mallory'])


async def test_malformed_messages_change_nothing_and_the_server_keeps_serving(server: Server, victim: tuple[Page, str],
                                                                                attacker: Page) -> None:
    database = server.data_dir / 'hilo.sqlite3'
    page, victim_id = victim
    before = open_round(database, victim_id)
    box = attacker.find(label='Your guess')
    listener = attacker.elements[box]['events'][0]['listener_id']
    malformed = [
        None, 42, 'event', [1, 2, 3], {},
        {'client_id': attacker.client_id},
        {'client_id': attacker.client_id, 'id': box, 'listener_id': listener, 'args': ['"5"']},  # id must be a number
        {'client_id': attacker.client_id, 'id': int(box), 'listener_id': 'no-such-listener', 'args': []},
        {'client_id': attacker.client_id, 'id': 99999, 'listener_id': listener, 'args': []},  # no such element
        {'client_id': attacker.client_id, 'id': int(box), 'listener_id': listener, 'args': 'not a list'},
        {'client_id': attacker.client_id, 'id': int(box), 'listener_id': listener, 'args': ['{not json']},
        {'client_id': attacker.client_id, 'id': int(box), 'listener_id': listener, 'args': [{'a': 1}]},
        {'client_id': 'no-such-page', 'id': int(box), 'listener_id': listener, 'args': []},
    ]
    for message in malformed:
        await attacker.send('event', message)
    for message_type in ('javascript_response', 'ack', 'log', 'handshake'):  # NiceGUI's other message types
        await attacker.send(message_type, {'client_id': attacker.client_id, 'level': 'critical', 'message': 1,
                                           'next_message_id': 'x', 'request_id': 'x'})
    await attacker.send('event', {'client_id': attacker.client_id}, 'extra', 'arguments')

    # Nothing changed, and both players can go on playing.
    assert open_round(database, victim_id) == before
    assert 'too' in await guess(page, '500000') or 'correct' in page.text(feedback_id(page))
    assert re.search(r'too (low|high)|correct', await guess(attacker, '123456'))
    assert scores(database) == []


async def test_another_pages_client_id_gets_nowhere(server: Server, victim: tuple[Page, str],
                                                   attacker: Page) -> None:
    database = server.data_dir / 'hilo.sqlite3'
    page, victim_id = victim
    secret, stored = open_round(database, victim_id)
    box = page.find(label='Your guess')
    (enter,) = [event['listener_id'] for event in page.elements[box]['events'] if event['type'] == 'keydown']
    await page.wait_for(lambda: '2 playing now' in json.dumps(page.elements))  # the attacker's arrival, shown
    victim_page_before = json.dumps(page.elements, sort_keys=True)
    # The attacker learned the victim's page id and element ids (they are the same shape on every page), and tries
    # to send the victim's secret as a guess from the victim's box.
    for args in ([json.dumps(str(secret))], ['{}'], []):
        await attacker.send('event', {'client_id': page.client_id, 'id': int(box), 'listener_id': enter,
                                      'args': args})
    await asyncio.sleep(0.5)
    assert open_round(database, victim_id) == (secret, stored)
    assert scores(database) == []
    assert json.dumps(page.elements, sort_keys=True) == victim_page_before  # the victim's page got no update


async def test_a_flood_is_slowed_then_cut_off_without_touching_other_players(server: Server,
                                                                            victim: tuple[Page, str],
                                                                            attacker: Page) -> None:
    database = server.data_dir / 'hilo.sqlite3'
    page, victim_id = victim
    box = attacker.find(label='Your guess')

    async def flood() -> None:
        for number in range(3000):
            with_value = {'client_id': attacker.client_id, 'id': int(box),
                          'listener_id': attacker.elements[box]['events'][0]['listener_id'],
                          'args': [json.dumps(str(number))]}
            if not attacker.connected:
                return
            await attacker.send('event', with_value)

    flooding = asyncio.create_task(flood())
    trips = []
    secret, _ = open_round(database, victim_id)
    for number in (250_000, 750_000, 125_000, 875_000):
        if number == secret:
            continue
        started = time.monotonic()
        answer = await guess(page, str(number))
        trips.append(time.monotonic() - started)
        assert re.search('too (low|high)', answer)
    await flooding
    await asyncio.sleep(1)

    assert max(trips) < 1.0, trips  # the victim keeps playing at normal speed while the flood goes on
    assert not attacker.connected  # the flooding socket was disconnected
    assert scores(database) == []
    async with httpx.AsyncClient(base_url=server.url) as http:  # and the server still welcomes new players
        newcomer = await signed_in(http, name='Newcomer', max_number=100)
        assert re.search('too (low|high)|correct', await guess(newcomer, '50'))
        await newcomer.close()


async def test_sockets_from_other_web_sites_are_refused(server: Server) -> None:
    async def connects(origin: str) -> bool:
        client = socketio.AsyncClient(reconnection=False)
        try:
            await client.connect(server.url, socketio_path='/_nicegui_ws/socket.io', transports=['websocket'],
                                 headers={'Origin': origin}, wait_timeout=5)
        except socketio.exceptions.ConnectionError:
            return False
        await client.disconnect()
        return True

    assert await connects(server.url)
    assert not await connects('http://evil.example')
    assert not await connects('http://127.0.0.1:1')
    async with httpx.AsyncClient(base_url=server.url) as http:  # the refusal, as a browser would get it
        response = await http.get('/_nicegui_ws/socket.io/?EIO=4&transport=polling',
                                  headers={'Origin': 'http://evil.example'})
    assert response.status_code == 400
    assert 'not an accepted origin' in response.text


async def stored_soon(database: Path, player: str, expected: str) -> bool:
    """Whether the player's stored guesses become ``expected`` (guesses are stored a few ms after the answer)."""
    for _ in range(50):
        if open_round(database, player)[1] == expected:
            return True
        await asyncio.sleep(0.02)
    return False


async def test_a_proxy_origin_can_be_allowed(tmp_path: Path) -> None:
    with Server(tmp_path / 'data', '--allowed-origins', 'https://hilo.example.org') as server:
        async with httpx.AsyncClient(base_url=server.url) as http:
            def opening(origin: str) -> Awaitable[httpx.Response]:
                return http.get('/_nicegui_ws/socket.io/?EIO=4&transport=polling', headers={'Origin': origin})
            assert (await opening('https://hilo.example.org')).status_code == 200
            assert (await opening('http://evil.example')).status_code == 400
