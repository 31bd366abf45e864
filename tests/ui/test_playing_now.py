"""'N playing now': counted from open game views, live on the welcome and game views of other players."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from nicegui import ui
from nicegui.testing import User

import presence

from .players import element, sign_in


async def test_b_sees_the_count_change_as_a_opens_and_leaves_a_game(create_user: Callable[[], User]) -> None:
    ann, bob = create_user(), create_user()
    await bob.open('/')  # the welcome view shows the count of its range, 1–100
    await bob.should_see('Nobody is playing 1–100 right now')

    await sign_in(ann, name='Ann', max_number=100)
    await bob.should_see('1 playing 1–100 now', retries=20)  # (news of a range goes out at most every 0.5 s)
    await ann.should_see('Only you are playing this range right now')

    await sign_in(bob, name='Bob', max_number=100)
    await bob.should_see('2 playing now', retries=20)
    await ann.should_see('2 playing now', retries=20)

    ann.navigate.to('/scores')  # (the header's link) Ann's game view closes; her page stays open, on the scores
    await ann.should_see('All ranges')
    await bob.should_see('Only you are playing this range right now', retries=20)


async def test_the_welcome_view_follows_the_chosen_range(create_user: Callable[[], User]) -> None:
    ann, bob = create_user(), create_user()
    await sign_in(ann, name='Ann', max_number=1000)
    await bob.open('/')
    await bob.should_see('Nobody is playing 1–100 right now')
    element(bob, 'presets', ui.toggle).value = 1000
    await bob.should_see('1 playing 1–1,000 now')


async def test_a_page_that_is_gone_no_longer_counts(create_user: Callable[[], User]) -> None:
    ann, bob = create_user(), create_user()
    await sign_in(ann, name='Ann', max_number=10)
    await bob.open('/')
    element(bob, 'presets', ui.toggle).value = 10
    await bob.should_see('1 playing 1–10 now', retries=20)

    assert ann.client is not None
    ann.client.delete()  # what NiceGUI does when a page's connection has been gone for the reconnect timeout

    await bob.should_see('Nobody is playing 1–10 right now', retries=20)
    assert presence.playing(10) == 0


async def test_the_api_counts_the_same_players(create_user: Callable[[], User]) -> None:
    ann, bob = create_user(), create_user()
    await sign_in(ann, name='Ann', max_number=37)
    await sign_in(bob, name='Bob', max_number=37)
    ranges = (await ann.http_client.get('/api/ranges')).json()
    assert {entry['max_number']: entry['playing_now'] for entry in ranges}[37] == 2
    board = (await ann.http_client.get('/api/ranges/37/scores')).json()
    assert board['playing_now'] == 2


async def test_a_crowd_arriving_at_once_sends_few_updates(create_user: Callable[[], User]) -> None:
    watcher = create_user()
    await watcher.open('/')
    sent: list[float] = []
    presence.changed.subscribe(lambda max_number: sent.append(time.monotonic()) if max_number == 100 else None)
    players = [create_user() for _ in range(12)]

    started = time.monotonic()
    await asyncio.gather(*(sign_in(player, name=f'P{number}', max_number=100)
                           for number, player in enumerate(players)))
    await watcher.should_see('12 playing 1–100 now', retries=20)
    took = time.monotonic() - started

    # Twelve changes, but the news went out at most once per half second (plus the first, at once).
    assert len(sent) <= took / presence.INTERVAL + 2
    assert len(sent) < 12


async def test_the_more_pages_show_a_range_the_less_often_its_count_is_sent(create_user: Callable[[], User],
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(presence, 'UPDATES_PER_SECOND', 4)
    for number in range(6):
        await sign_in(create_user(), name=f'P{number}', max_number=100)
    assert presence.playing(100) == 6
    assert presence.interval(100) == 6 / 4  # six pages, at most four updates a second between them
    assert presence.interval(1000) == presence.INTERVAL  # a range nobody plays: the shortest interval
    monkeypatch.setattr(presence, 'LONGEST', 1.2)
    assert presence.interval(100) == 1.2  # but a count is never older than the longest interval
