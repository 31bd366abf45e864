"""The waiting room (admission.py): newcomers wait in line, in order, while the server is busy; players already in
are not held up; the real server sends a small page that retries by itself, never an error page."""
from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import httpx

import admission
from tests.hardening.bots import guess, signed_in
from tests.server import Server


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_newcomers_are_let_in_at_the_servers_pace_and_the_rest_wait_in_order() -> None:
    clock = Clock()
    room = admission.WaitingRoom(joins_per_second=4, clock=clock)  # one at once, then one every 0.25 s
    assert room.admit(None)
    assert not room.admit(None)  # the second newcomer of the same moment waits...
    first = room.ticket()
    assert not room.admit(None)
    second = room.ticket()
    assert (room.ahead(first), room.ahead(second)) == (0, 1)

    clock.now += 0.25  # room for one more: the first in line, even if the second asks first
    assert not room.admit(second)
    assert room.admit(first)
    assert not room.admit(None)  # a newcomer gets in line behind the second
    third = room.ticket()
    clock.now += 0.25
    assert room.admit(second)
    assert room.ahead(third) == 0
    clock.now += 0.25
    assert room.admit(third)
    clock.now += 0.25
    assert room.admit(None)  # nobody waits any more: newcomers go straight in


async def test_one_slow_moment_is_not_busy_but_a_server_that_stays_behind_is() -> None:
    room = admission.WaitingRoom()
    watching = asyncio.create_task(room.watch())
    try:
        await asyncio.sleep(admission.TICK * (admission.LATE_TICKS + 1))
        time.sleep(0.2)  # noqa: ASYNC251 (on purpose: one long page build, say; this tick comes 0.2 s late)
        await asyncio.sleep(0.01)  # (the tick's turn)
        assert room.lag <= admission.BUSY_LAG  # not busy
        for _ in range(admission.LATE_TICKS * 2):  # the loop stays blocked for most of every tick
            await asyncio.sleep(0.001)  # (the tick's turn)
            time.sleep(admission.TICK + admission.BUSY_LAG * 2)  # noqa: ASYNC251 (a server behind its work)
        assert room.busy
        assert room.lag > admission.BUSY_LAG
    finally:
        watching.cancel()


def test_a_busy_server_lets_nobody_new_in_until_it_keeps_pace_again() -> None:
    clock = Clock()
    room = admission.WaitingRoom(joins_per_second=100, clock=clock)
    room.lag = admission.BUSY_LAG * 2
    assert not room.admit(None)
    ticket = room.ticket()
    clock.now += 10  # time passes, but the server is behind its work
    assert not room.admit(ticket)
    room.lag = 0.0
    assert room.admit(ticket)


async def test_a_waiting_newcomer_gets_a_page_that_retries_and_then_the_game(tmp_path: Path) -> None:
    # A server that lets in one newcomer every two seconds, so that the fourth of four arriving at once waits.
    with Server(tmp_path / 'data', '--joins-per-second', '0.5') as server:
        async with httpx.AsyncClient(base_url=server.url) as player:
            playing = await signed_in(player, name='Already in', max_number=1_000_000)
            newcomers = [httpx.AsyncClient(base_url=server.url) for _ in range(3)]
            pages = await asyncio.gather(*(newcomer.get('/') for newcomer in newcomers))
            waiting = [(newcomer, page) for newcomer, page in zip(newcomers, pages, strict=True)
                       if page.status_code == 503]
            assert waiting  # the server was asked for more than it lets in at once
            for _, page in waiting:
                assert 'ahead of you' in page.text or 'You are next' in page.text
                assert re.search(r'<meta http-equiv="refresh" content="\d+">', page.text)  # it retries by itself
                assert page.headers['retry-after'].isdigit()
                assert '<html lang="en">' in page.text
            # The player already in keeps playing meanwhile.
            assert re.search('too (low|high)|correct', await guess(playing, '500000'))
            # Retrying as the page does, the newcomers in line get the game, each with their ticket forgotten.
            for newcomer, page in waiting:
                for _ in range(20):
                    await asyncio.sleep(int(page.headers['retry-after']))
                    retry = await newcomer.get('/')
                    if retry.status_code == 200:
                        break
                assert retry.status_code == 200
                assert 'Guess the number' in retry.text
                assert admission.COOKIE not in newcomer.cookies
            await playing.close()
            for newcomer in newcomers:
                await newcomer.aclose()


def test_a_place_not_claimed_for_a_while_is_passed_over() -> None:
    clock = Clock()
    room = admission.WaitingRoom(joins_per_second=1, clock=clock)
    room.lag = admission.BUSY_LAG * 2  # busy: nobody new goes in, whatever tokens there are
    room.ticket()  # someone who closed the tab (or a script that keeps no cookies) and never shows it again
    stays = room.ticket()
    clock.now += 2 * admission.RETRY_AFTER
    assert not room.admit(stays)  # still busy; the one who stays keeps showing their ticket
    clock.now += 2 * admission.RETRY_AFTER
    room.lag = 0.0
    assert room.admit(stays)  # the place of the one who left did not cost a turn
    assert not room.admit(None)  # nobody waits now, but that turn was the last token for a second
    clock.now += 1
    assert room.admit(None)


def test_a_ticket_from_another_room_is_no_ticket() -> None:
    room, earlier = admission.WaitingRoom(), admission.WaitingRoom()  # e.g. before the server was restarted
    assert admission._parse_ticket(room, f'{room.name}.7') == 7
    assert admission._parse_ticket(room, f'{earlier.name}.7') is None  # its holder is a newcomer here
    assert admission._parse_ticket(room, 'garbage') is None


def test_the_back_of_a_long_line_knocks_less_often_than_the_front() -> None:
    clock = Clock()
    room = admission.WaitingRoom(joins_per_second=10, clock=clock)
    room.lag = admission.BUSY_LAG * 2
    line = [room.ticket() for _ in range(100)]
    told = [room.retry_after(ticket) for ticket in line]
    assert room.retry_after(line[0]) == admission.RETRY_AFTER  # next in line: soon
    assert room.retry_after(line[40]) == 4  # 40 ahead at 10 a second
    assert room.retry_after(line[-1]) == admission.MAX_RETRY_AFTER  # 99 ahead: about 10 s, but never above the most
    clock.now += 3 * admission.RETRY_AFTER + 1  # nobody came back for 7 s
    room.lag, room.tokens, room.refilled = 0.0, 0.0, clock.now  # no turn to give either
    room.admit(line[-1])
    # those told 2 s are gone after three of their retries; those told 3 s or more still have time
    assert room.called == told.count(admission.RETRY_AFTER) == 26
    assert room.ahead(line[-1]) == 73
