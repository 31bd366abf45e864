"""News between instances: what pages show live, carried over Redis when several Hi-Lo servers share the players.

One server alone needs none of this: an event of ``events.py`` reaches every page of the process. Several servers
("instances", see the README, "Growing past one machine") each hold their own pages, so a win on one instance must
also reach the boards on the others. With ``NICEGUI_REDIS_URL`` set, ``main.py`` starts a :class:`Bridge`, which
subscribes to one Redis pub/sub channel (one connection per instance) and:

- publishes each piece of news emitted here, as JSON (``{"kind": ..., "sender": ..., "news": ...}``);
- emits each message from another instance here, as the same event, once: this instance's pages hear it as if the
  win had happened here. A message that arrived from Redis is never published again, and an instance ignores its
  own messages.

Each kind of news is a :class:`Kind`: its event and how it travels as JSON. Today that is ``top_ten``; more kinds
(e.g. how many play each range) are one more entry in :func:`kinds`.

If Redis goes away, games go on: a win is stored and shown on its own instance, and the news meanwhile stays there.
One warning is logged, the bridge reconnects by itself (waiting longer after each failed attempt, up to
:data:`LONGEST_WAIT` seconds) and one line says when live news resumes. Every top-10 message carries the whole top 10,
so the next win after an outage puts every board right again.
"""
from __future__ import annotations

import asyncio
import json
import logging
import socket
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import redis.asyncio
from nicegui import app
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

import events
from db import BOARD_SIZE, Score

CHANNEL = 'hilo:news'
FIRST_WAIT = 0.1  # seconds before the first attempt to reach Redis again; doubled after each failure
LONGEST_WAIT = 3.0
QUEUE_LIMIT = 1000  # pieces of news waiting to be published; beyond that (Redis far too slow) they are dropped
REMEMBERED_RANGES = 1000  # ranges whose latest top 10 is kept, to put late messages in order (TopTens)

log = logging.getLogger('hilo.news')
T = TypeVar('T')


@dataclass(frozen=True)
class Kind(Generic[T]):
    """A kind of news: the event that carries it inside an instance, and how it travels between instances.

    ``decode`` gets the JSON and the id of the instance that sent it, so that news about each instance's own state
    (e.g. how many play a range there) can be kept per instance and added up. It returns ``None`` for a message
    that no longer means anything here (see :class:`TopTens`): nothing is emitted then.
    """

    name: str  # the message's "kind"; an instance ignores kinds it does not know (e.g. during an upgrade)
    event: events.InTurns[T]
    encode: Callable[[T], dict[str, Any]]
    decode: Callable[[dict[str, Any], str], T | None]


def kinds() -> list[Kind[Any]]:
    """Every kind of news that pages show live. A new kind (e.g. how many play each range) is one more entry."""
    top_tens = TopTens()
    return [Kind('top_ten', events.top_ten_changed, top_tens.encode, top_tens.decode)]


def install(url: str) -> None:
    """Carry live news between instances through the Redis at ``url``, from the server's start to its end."""
    bridge = Bridge(url, kinds())
    app.on_startup(bridge.start)
    app.on_shutdown(bridge.stop)


class Bridge:
    """One instance's side of the news channel: publishes what happens here, emits what happens elsewhere."""

    def __init__(self, url: str, carried: list[Kind[Any]], *, channel: str = CHANNEL) -> None:
        self.kinds = {kind.name: kind for kind in carried}
        self.channel = channel
        self.sender = uuid.uuid4().hex  # this instance, to recognise its own messages
        # One retry inside redis-py, at once, on a new connection: after Redis restarts, the connection kept in the pool
        # is broken, and only the next command finds out. Any other failure reaches this class, which logs it once and
        # tries again with waits in between.
        self.redis = redis.asyncio.Redis.from_url(url, retry=Retry(NoBackoff(), 1), socket_connect_timeout=2,
                                                  socket_timeout=5, socket_keepalive=True,
                                                  socket_keepalive_options=_keepalive())
        address = self.redis.connection_pool.connection_kwargs
        self.where = f'{address.get("host")}:{address.get("port")}'  # for messages: the URL may hold a password
        self.connected = False  # subscribed, so that news published now reaches the others (the listener knows)
        self.warned = False  # the warning about this outage was logged
        self.dropped = 0  # pieces of news not published during this outage
        self.outbox: asyncio.Queue[str] = asyncio.Queue(QUEUE_LIMIT)
        # What came from Redis and was emitted here: when the event reaches our own listener, it is not sent back.
        self.arrived: deque[object] = deque(maxlen=64)
        self.tasks: list[asyncio.Task[None]] = []
        self.listeners = {name: self._listener(name) for name in self.kinds}

    async def start(self) -> None:
        """Listen to this instance's events and to the channel; returns at once (Redis may be unreachable)."""
        for name, kind in self.kinds.items():
            kind.event.subscribe(self.listeners[name], expect_args=True, unsubscribe_on_delete=False)
        self.tasks = [asyncio.create_task(self._receive(), name='news from other instances'),
                      asyncio.create_task(self._publish(), name='news to other instances')]

    async def stop(self) -> None:
        """Stop listening and close the connections to Redis."""
        for name, kind in self.kinds.items():
            kind.event.unsubscribe(self.listeners[name])
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.redis.aclose()

    def _listener(self, name: str) -> Callable[[Any], None]:
        def on_news(news: Any) -> None:
            if any(news is arrived for arrived in self.arrived):
                return  # it came from another instance: they have it already
            message = json.dumps({'kind': name, 'sender': self.sender, 'news': self.kinds[name].encode(news)})
            if not self.connected:
                self.dropped += 1  # Redis is away: the news stays on this instance
                return
            try:
                self.outbox.put_nowait(message)
            except asyncio.QueueFull:
                self.dropped += 1
        return on_news

    async def _publish(self) -> None:
        # One task publishes everything, in the order it happened here.
        while True:
            message = await self.outbox.get()
            try:
                await self.redis.publish(self.channel, message)
            except (RedisError, OSError) as error:
                self.dropped += 1
                self._warn(error)  # if Redis is away, the listener finds out too, and says when it is back

    async def _receive(self) -> None:
        wait = FIRST_WAIT
        while True:
            try:
                async with self.redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self.channel)
                    self._reached()
                    wait = FIRST_WAIT
                    async for message in pubsub.listen():
                        self._arrive(message['data'])
            except (RedisError, OSError) as error:
                self._lost(error)
            except Exception:  # a bug, not an outage: say so, and keep the news going
                log.exception('unexpected error while listening to the Redis channel %s', self.channel)
                self.connected = False
            await asyncio.sleep(wait)
            wait = min(wait * 2, LONGEST_WAIT)

    def _arrive(self, data: bytes) -> None:
        try:
            message = json.loads(data)
            kind = self.kinds.get(message['kind'])
            if message['sender'] == self.sender or kind is None:
                return  # our own news (already shown here), or a kind this version does not know
            news = kind.decode(message['news'], message['sender'])
        except (ValueError, KeyError, TypeError) as error:
            log.warning('ignored a malformed message on the Redis channel %s: %s', self.channel, error)
            return
        if news is not None:
            self.arrived.append(news)
            kind.event.emit(news)  # to this instance's pages, like a win here

    def _reached(self) -> None:
        self.connected = True
        if self.warned:
            log.warning('Redis at %s is back: live news between instances resumed (news that stayed on this '
                        'instance meanwhile: %d)', self.where, self.dropped)
        else:
            log.info('live news between instances goes through Redis at %s', self.where)
        self.warned, self.dropped = False, 0

    def _lost(self, error: Exception) -> None:
        self.connected = False
        self._warn(error)

    def _warn(self, error: Exception) -> None:
        if not self.warned:  # once per outage, not once per message or attempt
            self.warned = True
            log.warning('cannot reach Redis at %s (%s): games go on, but wins here are not shown on the other '
                        'instances until it is back; trying again by itself', self.where,
                        str(error) or type(error).__name__)


class TopTens:
    """How ``top_ten_changed`` travels: the scores as JSON, and late messages put in order.

    Two wins on two instances at nearly the same moment can reach a third instance in either order, and the top 10
    that the earlier win read would then replace the newer one on its boards. So the latest top 10 of each range is
    kept, and each one that arrives is merged into it (:func:`merged`): the boards never go back in time.
    """

    def __init__(self) -> None:
        self.latest: OrderedDict[int, list[Score]] = OrderedDict()

    def encode(self, change: events.TopTenChange) -> dict[str, Any]:
        """A change as JSON, taking note of its top 10 (it happened here)."""
        self._keep(change.max_number, change.top_ten)
        return {'max_number': change.max_number, 'winner': _score_json(change.winner),
                'top_ten': [_score_json(score) for score in change.top_ten]}

    def decode(self, data: dict[str, Any], _sender: str) -> events.TopTenChange | None:
        """The change another instance made, merged with the newest top 10 known here; ``None`` if it is stale."""
        max_number, winner = int(data['max_number']), Score.model_validate(data['winner'])
        top_ten = [Score.model_validate(score) for score in data['top_ten']]
        if max_number in self.latest:
            top_ten = merged(self.latest[max_number], top_ten)
        if all(score.id != winner.id for score in top_ten):
            return None  # the boards here already show a newer top 10 that this win is not part of any more
        self._keep(max_number, top_ten)
        return events.TopTenChange(max_number=max_number, top_ten=top_ten, winner=winner)

    def _keep(self, max_number: int, top_ten: list[Score]) -> None:
        self.latest[max_number] = top_ten
        self.latest.move_to_end(max_number)
        if len(self.latest) > REMEMBERED_RANGES:
            self.latest.popitem(last=False)


def merged(one: list[Score], other: list[Score]) -> list[Score]:
    """The top 10 of two top 10s of one range, read at different moments, whichever is newer.

    A board holds each player's best score, and a best score only ever gives way to a better one (the same player's,
    or others' that push it out). So the newer top 10 beats or equals the older one wherever they differ: keeping
    each player's better score of the two and the best ten of those gives the newer one, in either order.
    """
    best: dict[str, Score] = {}
    for score in (*one, *other):
        kept = best.get(score.player_id)
        if kept is None or score.order_key < kept.order_key:
            best[score.player_id] = score
    return sorted(best.values(), key=lambda score: score.order_key)[:BOARD_SIZE]


def _keepalive() -> dict[int, int]:
    """TCP keepalive after 10 s of silence, every 5 s, 3 tries: a listener whose Redis vanished without closing the
    connection (a machine gone, a network cut) finds out within half a minute instead of hours. Where the system
    lacks these options (macOS, Windows), its defaults apply."""
    wanted = {'TCP_KEEPIDLE': 10, 'TCP_KEEPINTVL': 5, 'TCP_KEEPCNT': 3}
    return {getattr(socket, name): value for name, value in wanted.items() if hasattr(socket, name)}


def _score_json(score: Score) -> dict[str, Any]:
    return score.model_dump(mode='json')
