"""news.py: live news between instances over a real Redis. Each "instance" here is a Bridge with events of its own.

The end-to-end tests with real instances, HAProxy and browsers are in test_instances.py.
"""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import redis.asyncio

import events
import news
from db import Score
from tests.services import Redis, free_port, need

from .conftest import until

CHANNEL = 'hilo:test-news'


@dataclass
class Instance:
    """One side of the channel: a bridge, the event its pages would listen to, and every change they heard."""

    bridge: news.Bridge
    event: events.InTurns[events.TopTenChange]
    heard: list[events.TopTenChange] = field(default_factory=list)

    def win(self, change: events.TopTenChange) -> None:
        """A win here: the page that recorded it emits the event, as ui/game_panel.py does."""
        self.event.emit(change)


def instance(url: str) -> Instance:
    event: events.InTurns[events.TopTenChange] = events.InTurns()  # as events.top_ten_changed
    top_tens = news.TopTens()
    bridge = news.Bridge(url, [news.Kind('top_ten', event, top_tens.encode, top_tens.decode)], channel=CHANNEL)
    made = Instance(bridge, event)
    event.subscribe(made.heard.append, expect_args=True, unsubscribe_on_delete=False)
    return made


@pytest.fixture
async def pair(redis_service: Redis) -> AsyncIterator[tuple[Instance, Instance]]:
    """Two instances on one Redis, both subscribed."""
    one, two = instance(redis_service.url), instance(redis_service.url)
    await one.bridge.start()
    await two.bridge.start()
    await until(lambda: one.bridge.connected and two.bridge.connected)
    yield one, two
    await one.bridge.stop()
    await two.bridge.stop()


async def test_a_win_reaches_the_other_instance_once_and_is_never_sent_back(pair: tuple[Instance, Instance],
                                                                             redis_service: Redis) -> None:
    one, two = pair
    client = redis.asyncio.Redis.from_url(redis_service.url)
    async with client.pubsub(ignore_subscribe_messages=True) as channel:
        await channel.subscribe(CHANNEL)
        ann = change('Ann', 1)
        one.win(ann)
        await until(lambda: len(two.heard) == 1)
        assert two.heard[0] == ann  # the same scores, times and all, after a trip as JSON
        assert two.heard[0] is not ann

        # Instance two publishes a win of its own. Its messages leave in order, so a copy of Ann's win sent back
        # would come before this one.
        bob = change('Bob', 2, guesses=2, before=[ann.winner])
        two.win(bob)
        senders = [message['kind'] + ':' + message['news']['winner']['name'] for message in await read(channel, 2)]
    await client.aclose()
    assert senders == ['top_ten:Ann', 'top_ten:Bob']
    await until(lambda: len(one.heard) == 2)
    assert one.heard == [ann, bob]  # its own win once (from its page), never again from Redis
    assert two.heard == [ann, bob]


async def test_redis_going_away_logs_one_warning_and_news_resumes_by_itself(pair: tuple[Instance, Instance],
                                                                            redis_service: Redis,
                                                                            caplog: pytest.LogCaptureFixture) -> None:
    one, two = pair
    caplog.set_level(logging.INFO, logger='hilo.news')
    first = change('First', 6)
    one.win(first)  # the connection it is published on breaks with the outage
    await until(lambda: two.heard == [first])
    redis_service.stop()
    await until(lambda: not one.bridge.connected and not two.bridge.connected)
    for number in range(20):  # wins go on while Redis is away; each stays on its instance
        one.win(change(f'Away {number}', 30 + number))
    await one.event.heard()  # (heard in turns)
    assert len(one.heard) == 21
    redis_service.start()
    await until(lambda: one.bridge.connected and two.bridge.connected, seconds=15)

    one.win(change('Back', 3))
    one.win(change('Again', 7, guesses=2))
    await until(lambda: len(two.heard) == 3)
    assert [heard.winner.name for heard in two.heard] == ['First', 'Back', 'Again']  # nothing from the outage
    warnings = [record.getMessage() for record in caplog.records
                if record.name == 'hilo.news' and record.levelno >= logging.WARNING]
    assert len([text for text in warnings if text.startswith('cannot reach Redis')]) == 2  # one per instance
    assert len([text for text in warnings if 'is back: live news between instances resumed' in text]) == 2
    assert len(warnings) == 4


async def test_an_instance_started_while_redis_is_down_joins_once_it_is_up(tmp_path_factory: pytest.TempPathFactory,
                                                                           caplog: pytest.LogCaptureFixture) -> None:
    need(Redis)
    port = free_port()
    later = Redis(tmp_path_factory.mktemp('redis'), port=port)
    early = instance(later.url)
    await early.bridge.start()  # returns at once: the server starts without Redis
    await until(lambda: any(record.getMessage().startswith('cannot reach Redis') for record in caplog.records))
    with later:
        other = instance(later.url)
        await other.bridge.start()
        await until(lambda: early.bridge.connected and other.bridge.connected, seconds=15)
        won = change('Early', 4)
        other.win(won)
        await until(lambda: early.heard == [won])
        await other.bridge.stop()
    await early.bridge.stop()


async def test_a_malformed_message_is_ignored_and_the_next_one_arrives(pair: tuple[Instance, Instance],
                                                                       redis_service: Redis) -> None:
    one, two = pair
    client = redis.asyncio.Redis.from_url(redis_service.url)
    for junk in ['not json', '{"kind": "top_ten", "sender": "x", "news": {"max_number": "many"}}',
                 '{"kind": "who knows", "sender": "x", "news": {}}']:
        await client.publish(CHANNEL, junk)
    await client.aclose()
    good = change('Good', 5)
    one.win(good)
    await until(lambda: two.heard == [good])


def test_a_late_top_ten_never_takes_a_board_back() -> None:
    ann, bob, cid = score('ann', 1, guesses=5), score('bob', 2, guesses=4), score('cid', 3, guesses=3)
    bob_better = score('bob', 4, guesses=2)
    older = [bob, ann]  # after Bob's win
    newer = [cid, bob, ann]  # after Cid's win, read a moment later on another instance
    assert news.merged(older, newer) == news.merged(newer, older) == newer
    assert news.merged([cid, bob, ann], [bob_better, ann]) == [bob_better, cid, ann]  # one row per player

    top_tens = news.TopTens()
    assert top_tens.decode(*to_json(newer, winner=cid)) == events.TopTenChange(max_number=100, top_ten=newer,
                                                                              winner=cid)
    # Bob's win arrives after Cid's: the board keeps Cid, and still hears that Bob won.
    late = top_tens.decode(*to_json(older, winner=bob))
    assert late is not None
    assert late.top_ten == newer
    # A win that the newer top 10 no longer holds is old news there: nothing to show.
    pushed_out = score('dan', 5, guesses=9)
    full = [score(f'p{number}', 10 + number, guesses=1) for number in range(10)]
    assert top_tens.decode(*to_json(full, winner=full[0])) is not None
    assert top_tens.decode(*to_json([pushed_out], winner=pushed_out)) is None


def score(player: str, score_id: int, *, guesses: int, max_number: int = 100) -> Score:
    return Score(id=score_id, player_id=player, name=player.title(), max_number=max_number, guesses=guesses,
                 time_ms=1000 * guesses, finished_at=datetime(2026, 11, 22, 12, 0, score_id, tzinfo=UTC),
                 moves=None, is_best=True)


def change(name: str, score_id: int, *, guesses: int = 3, before: list[Score] | None = None) -> events.TopTenChange:
    """The change a win makes: a new top 10 of 1–100 with the winner in it."""
    winner = score(name.lower(), score_id, guesses=guesses)
    top_ten = sorted([winner, *(before or [])], key=lambda entry: entry.order_key)
    return events.TopTenChange(max_number=100, top_ten=top_ten, winner=winner)


def to_json(top_ten: list[Score], *, winner: Score) -> tuple[dict[str, Any], str]:
    """A top-10 change as another instance sends it, and that instance's id."""
    return json.loads(json.dumps({'max_number': 100, 'winner': winner.model_dump(mode='json'),
                                  'top_ten': [entry.model_dump(mode='json') for entry in top_ten]})), 'another'



async def read(channel: redis.asyncio.client.PubSub, count: int) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    async with asyncio.timeout(5):
        while len(messages) < count:
            message = await channel.get_message(ignore_subscribe_messages=True, timeout=1)
            if message is not None:
                messages.append(json.loads(message['data']))
    return messages
