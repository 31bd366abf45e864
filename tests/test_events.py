"""News heard in turns (events.InTurns): everyone hears everything, in order, and the server gets a word in between."""
from __future__ import annotations

import asyncio
from functools import partial

import events


async def test_every_subscriber_hears_every_emission_once_and_in_order() -> None:
    news: events.InTurns[int] = events.InTurns()
    heard: dict[int, list[int]] = {number: [] for number in range(100)}
    for number in range(100):
        news.subscribe(heard[number].append)

    news.emit(1)
    news.emit(2)
    await asyncio.sleep(0.05)

    assert all(values == [1, 2] for values in heard.values())


async def test_other_work_runs_between_the_groups() -> None:
    news: events.InTurns[str] = events.InTurns()
    log: list[str] = []
    for _ in range(4 * events.TURNS):  # (each partial its own object, hashed apart: every group has some)
        news.subscribe(partial(log.append))

    news.emit('news')
    asyncio.get_running_loop().call_soon(log.append, 'a guess answered')  # ready while the news goes round
    await asyncio.sleep(0.05)

    assert log.count('news') == 4 * events.TURNS
    answered = log.index('a guess answered')
    # With NiceGUI's Event, all subscribers would have heard it before anything else ran.
    assert 0 < answered < len(log) - 1
    assert log[-1] == 'news'


async def test_an_unsubscribed_callback_hears_nothing_more() -> None:
    news: events.InTurns[int] = events.InTurns()
    heard: list[int] = []
    news.subscribe(heard.append)
    news.emit(1)
    await asyncio.sleep(0.05)
    news.unsubscribe(heard.append)
    news.emit(2)
    await asyncio.sleep(0.05)
    assert heard == [1]


def test_without_a_running_server_everyone_hears_it_at_once() -> None:
    news: events.InTurns[int] = events.InTurns()
    heard: list[int] = []
    for _ in range(3 * events.TURNS):
        news.subscribe(partial(heard.append))
    news.emit(7)
    assert heard == [7] * 3 * events.TURNS


async def test_heard_waits_until_the_last_group_has_heard() -> None:
    news: events.InTurns[int] = events.InTurns()
    heard: list[int] = []
    for _ in range(4 * events.TURNS):
        news.subscribe(partial(heard.append))

    news.emit(1)
    news.emit(2)
    assert len(heard) < 8 * events.TURNS  # (only the first group has heard so far)
    await news.heard()

    assert len(heard) == 8 * events.TURNS
    await news.heard()  # nothing going round: returns at once
