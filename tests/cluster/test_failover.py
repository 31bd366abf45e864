"""A real cluster losing a part: an instance killed mid-game, Redis restarted. Players without a browser
(tests/load/browserless.py) play through HAProxy, or straight to one instance where the test needs to know which.

A win counts as acknowledged when the player saw "... is correct!", which an instance shows only once the score is
stored. A guess is answered before it is stored (with others, a few milliseconds later), so a crash may cost a round
its last guess, never its secret (as in tests/hardening/test_crash.py, for one server).
"""
from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import psutil

from tests.hardening.bots import guess, open_game, player_id, signed_in
from tests.hardening.test_crash import shown_history
from tests.load.browserless import Page
from tests.load.players import feedback_id, play_again

from .conftest import Cluster, until

RANGE = 1000  # about ten guesses a round: a kill finds most players in the middle of one
PAUSE = 0.05  # seconds between a player's guesses


@dataclass
class Player:
    """A player who keeps winning rounds through the proxy, and remembers what the cluster acknowledged."""

    name: str
    http: httpx.AsyncClient  # keeps the session cookie and HAProxy's HILO_SERVER cookie, as a browser does
    wins: list[tuple[int, int]] = field(default_factory=list)  # acknowledged wins: (guesses, the secret)
    history: list[tuple[int, str]] = field(default_factory=list)  # acknowledged guesses of the current round
    pending: int | None = None  # a guess sent whose answer never came
    opened: list[tuple[str, list[tuple[int, str]], int]] = field(default_factory=list)  # (instance, shown, wins)
    signed_in_again: int = 0  # times the cluster had forgotten the name
    problems: list[str] = field(default_factory=list)

    @property
    def server(self) -> str:
        """The instance HAProxy pins this player to."""
        return str(self.http.cookies.get('HILO_SERVER'))

    async def play(self, stop: asyncio.Event) -> None:
        page: Page | None = None
        while not stop.is_set():
            try:
                if page is None:
                    page = await self._open()
                await asyncio.sleep(PAUSE)
                await self._guess(page)
            except Exception:
                if page is not None:
                    with contextlib.suppress(Exception):
                        await page.close()
                page = None
                await asyncio.sleep(0.2)
        if page is not None:
            await page.close()

    async def _open(self) -> Page:
        page = Page(self.http, record=True)
        if not self.opened:
            await page.close()
            page = await signed_in(self.http, name=self.name, max_number=RANGE)
        elif not await open_game(page):  # sent to the welcome view: the name was forgotten
            self.signed_in_again += 1
            await page.close()
            page = await signed_in(self.http, name=self.name, max_number=RANGE)
        shown = shown_history(page)
        # Allowed: the round as acknowledged, or without its last guess (answered, then lost before it was stored),
        # or a new round if the guess that got no answer may have been the secret (won, stored, never shown).
        low, high = self._possible()
        may_have_won = self.pending is not None and low <= self.pending <= high
        if shown not in (self.history, self.history[:-1]) and not (shown == [] and may_have_won):
            self.problems.append(f'{self.name} resumed {shown} after acknowledged {self.history}')
        self.pending = None
        self.history = shown
        self.opened.append((self.server, list(shown), len(self.wins)))
        return page

    def _possible(self) -> tuple[int, int]:
        low = max([number + 1 for number, said in self.history if said == 'higher'], default=1)
        high = min([number - 1 for number, said in self.history if said == 'lower'], default=RANGE)
        return low, high

    async def _guess(self, page: Page) -> None:
        low, high = self._possible()
        if low > high:
            self.problems.append(f'{self.name}: the answers contradict each other: {self.history}')
            raise AssertionError(self.problems[-1])
        number = self.pending = (low + high) // 2
        answer = await guess(page, str(number))
        self.pending = None
        if 'correct' in answer:
            self.wins.append((len(self.history) + 1, number))
            self.history = []
            await play_again(page)
            await page.wait_for(lambda: page.text(feedback_id(page)).startswith('Type a guess'))
        elif 'too low' in answer or 'too high' in answer:
            self.history.append((number, 'higher' if 'too low' in answer else 'lower'))
        else:
            self.problems.append(f'{self.name}: unexpected answer {answer!r} after {self.history}')


async def test_sigkill_of_an_instance_moves_its_players_to_the_other_with_their_rounds(cluster: Cluster) -> None:
    async with asyncio.timeout(150):
        clients = [httpx.AsyncClient(base_url=cluster.proxy.url, timeout=5) for _ in range(4)]
        players = [Player(f'Player {number}', http) for number, http in enumerate(clients)]
        stop = asyncio.Event()
        playing = []
        for player in players:  # one after the other: the proxy sends each to the instance with fewer open pages
            playing.append(asyncio.create_task(player.play(stop)))
            await until(lambda player=player: bool(player.opened), seconds=20)  # type: ignore[misc]
        await until(lambda: all(len(player.wins) >= 2 for player in players), seconds=60)
        victim = players[0].server
        survivor = 'hilo2' if victim == 'hilo1' else 'hilo1'
        moving = [player for player in players if player.server == victim]
        assert len(moving) < len(players)  # the proxy spread them over both instances
        await until(lambda: any(len(player.history) >= 2 for player in moving), seconds=10)

        connections = database_connections(cluster, victim)
        cluster.instance(victim).kill()  # SIGKILL: no shutdown code runs
        # What the instance had sent before it died may still be on its way: its last COMMIT, say. Once PostgreSQL
        # has ended the instance's sessions, the rounds are as the players will find them.
        while True:
            if not await query(cluster, 'SELECT 1 FROM pg_stat_activity WHERE client_port = ANY($1)', connections):
                break
            await asyncio.sleep(0.02)
        rounds = await open_rounds(cluster, [player_id(player.http) for player in moving])
        before = {player.name: len(player.wins) for player in players}
        await until(lambda: all(len(player.wins) >= before[player.name] + 2 for player in players), seconds=60)
        stop.set()
        await asyncio.gather(*playing)
        for http in clients:
            await http.aclose()
        stored = Counter(await query(cluster, 'SELECT name, guesses FROM score'))

    for player in moving:
        server, shown, wins = next(opened for opened in player.opened if opened[0] != victim)
        secret, guesses = rounds[player_id(player.http)]
        assert server == survivor
        assert [number for number, _ in shown] == guesses  # the same round, with every guess stored before the kill
        assert player.wins[wins][1] == secret  # ... and the same secret: the next win found it
    assert [problem for player in players for problem in player.problems] == []
    assert [player.signed_in_again for player in players] == [0] * len(players)  # every name kept, in Redis
    acknowledged = Counter((player.name, count) for player in players for count, _ in player.wins)
    assert not acknowledged - stored  # every acknowledged win is stored


async def test_live_news_resumes_after_redis_restarts_without_restarting_the_instances(cluster: Cluster) -> None:
    one, two = cluster.instances
    processes = [instance.process.pid for instance in cluster.instances if instance.process]
    browsers = [httpx.AsyncClient(base_url=instance.url) for instance in (two, one, one, one)]
    async with asyncio.timeout(120):
        watcher = await signed_in(browsers[0], name='Watcher', max_number=100)  # on instance 2, the others on 1
        winner = await signed_in(browsers[1], name='Before', max_number=100)
        await play_to_win(winner)
        await watcher.wait_for(lambda: 'Before' in names(watcher), seconds=2)
        during = await signed_in(browsers[2], name='During', max_number=100)

        cluster.redis.stop()
        await until(lambda: all('cannot reach Redis' in instance.log.read_text() for instance in cluster.instances))
        await play_to_win(during)  # games go on: the win is stored and shown on its own instance
        await during.wait_for(lambda: 'During (you)' in names(during), seconds=2)

        cluster.redis.start()
        await until(lambda: subscribers(cluster) == 2, seconds=20)  # both instances are back on the channel
        after = await signed_in(browsers[3], name='After', max_number=100)
        await play_to_win(after)
        await watcher.wait_for(lambda: 'After' in names(watcher), seconds=2)
        assert 'During' in names(watcher)  # the win made while Redis was away, carried by the next top 10
        for page in (watcher, winner, during, after):
            await page.close()
        for browser in browsers:
            await browser.aclose()
    assert [instance.process.pid for instance in cluster.instances if instance.process] == processes
    assert all(instance.running for instance in cluster.instances)
    for instance in cluster.instances:
        log = instance.log.read_text()
        assert log.count('cannot reach Redis') == 1  # one warning per outage, not one per message
        assert log.count('live news between instances resumed') == 1


async def play_to_win(page: Page) -> None:
    """Binary search from what the answers said, until the round is won."""
    low, high = 1, 100
    while True:
        middle = (low + high) // 2
        answer = await guess(page, str(middle))
        if 'correct' in answer:
            return
        low, high = (middle + 1, high) if 'too low' in answer else (low, middle - 1)


def names(page: Page) -> list[str]:
    """The names on the page's board, top first."""
    return [row['name'] for row in page.props(page.find(tag='nicegui-table')).get('rows', [])]


def subscribers(cluster: Cluster) -> int:
    """How many connections listen to the news channel, as Redis counts them."""
    import redis  # noqa: PLC0415  (a blocking client is simplest for one question)
    with redis.Redis.from_url(cluster.redis.url) as client:
        return int(dict(client.pubsub_numsub('hilo:news'))[b'hilo:news'])


def database_connections(cluster: Cluster, server: str) -> list[int]:
    """The ports an instance's connections to PostgreSQL come from."""
    process = cluster.instance(server).process
    assert process is not None
    return [connection.laddr.port for connection in psutil.Process(process.pid).net_connections('tcp')
            if connection.raddr and connection.raddr.port == cluster.postgres.port]


async def open_rounds(cluster: Cluster, players: list[str]) -> dict[str, tuple[int, list[int]]]:
    """Each player's round in progress, from PostgreSQL: its secret and stored guesses."""
    rows = await query(cluster, 'SELECT player_id, secret, guesses FROM active_round WHERE player_id = ANY($1)',
                       players)
    return {player: (secret, [int(number) for number in guesses.split()]) for player, secret, guesses in rows}


async def query(cluster: Cluster, sql: str, *arguments: object) -> list[tuple[Any, ...]]:
    connection = await asyncpg.connect(cluster.postgres.dsn, timeout=10)
    try:
        return [tuple(row) for row in await connection.fetch(sql, *arguments)]
    finally:
        await connection.close()
