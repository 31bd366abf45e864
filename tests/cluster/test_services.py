"""The services of the local cluster, for real: PostgreSQL, Redis and HAProxy from Debian's packages on 127.0.0.1.

The proxy tests put HAProxy with deploy/haproxy.cfg in front of two stand-in backends that answer with their name,
so they show the routing itself: sticky sessions, redispatch when an instance dies, and the per-address limits.
"""
from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import redis.asyncio
from redis.asyncio.client import PubSub
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.cluster.conftest import NamedBackend
from tests.services import HAProxy, MissingPackage, Postgres, Redis, need, require

Backends = dict[str, NamedBackend]


async def test_postgres_answers_a_query_through_asyncpg_and_sqlalchemy(postgres: Postgres) -> None:
    connection = await asyncpg.connect(postgres.dsn, timeout=10)
    try:
        assert await connection.fetchval('SELECT 1') == 1
        assert await connection.fetchval('SELECT current_database()') == 'hilo'
    finally:
        await connection.close()
    # .url is what Hi-Lo's --database-url takes: SQLAlchemy with the asyncpg driver
    engine = create_async_engine(postgres.url)
    try:
        async with engine.connect() as session:
            assert (await session.execute(text('SELECT 1'))).scalar() == 1
    finally:
        await engine.dispose()


async def test_postgres_keeps_its_data_across_restarts(reachable_folder: Path) -> None:
    need(Postgres)
    with Postgres(reachable_folder) as first:
        connection = await asyncpg.connect(first.dsn, timeout=10)
        await connection.execute('CREATE TABLE kept (n integer); INSERT INTO kept VALUES (42)')
        await connection.close()
    assert not first.running
    with Postgres(reachable_folder) as second:  # a new port, the same data folder
        connection = await asyncpg.connect(second.dsn, timeout=10)
        assert await connection.fetchval('SELECT n FROM kept') == 42
        await connection.close()


async def test_redis_answers_ping_and_delivers_a_published_message(redis_service: Redis) -> None:
    client = redis.asyncio.Redis.from_url(redis_service.url)
    try:
        assert await client.ping()
        async with client.pubsub() as listener:
            await listener.subscribe('hilo-news')
            assert (await _next_message(listener))['type'] == 'subscribe'  # Redis confirms: a message now reaches us
            assert await client.publish('hilo-news', 'Ann won 1–100 in 6 guesses') == 1
            message = await _next_message(listener)
        assert message['channel'] == b'hilo-news'
        assert message['data'].decode() == 'Ann won 1–100 in 6 guesses'
    finally:
        await client.aclose()


async def test_redis_restarts_on_the_same_port_and_empty(redis_service: Redis) -> None:
    port = redis_service.port
    client = redis.asyncio.Redis.from_url(redis_service.url)
    await client.set('kept', 'no')
    await client.aclose()
    redis_service.restart()
    assert redis_service.port == port
    client = redis.asyncio.Redis.from_url(redis_service.url)
    try:
        assert await client.ping()
        assert await client.get('kept') is None  # nothing is written to disk, so nothing survives
    finally:
        await client.aclose()


def test_the_rendered_haproxy_config_passes_haproxy_check(tmp_path: Path) -> None:
    need(HAProxy)
    proxy = HAProxy(tmp_path / 'haproxy', [8101, 8102])
    assert 'Configuration file is valid' in proxy.check()
    config = proxy.config.read_text()
    assert '    server hilo1 127.0.0.1:8101 cookie hilo1\n' in config
    assert config.endswith('    server hilo2 127.0.0.1:8102 cookie hilo2\n')


def test_a_client_keeping_its_cookie_stays_on_one_backend_while_new_clients_reach_the_other(
        tmp_path: Path, backends: Backends) -> None:
    need(HAProxy)
    with HAProxy(tmp_path / 'haproxy', [backend.port for backend in backends.values()]) as proxy:
        with httpx.Client(base_url=proxy.url, timeout=10) as player:
            first = player.get('/')
            pinned = first.json()['name']
            assert 'HILO_SERVER' in player.cookies
            assert 'httponly' in first.headers['set-cookie'].lower()
            # the page's websocket must land where the page was built
            for path in ['/play', '/_nicegui_ws/socket.io/?EIO=4&transport=websocket'] * 5:
                answer = player.get(path).json()
                assert answer['name'] == pinned
                assert 'HILO_SERVER' not in answer['cookie']  # `indirect`: the proxy's cookie stays with the proxy
        reached = {httpx.get(proxy.url, timeout=10).json()['name'] for _ in range(6)}
        assert reached == {'alpha', 'beta'}


def test_a_client_whose_backend_stops_goes_to_the_other_one_and_stays_there(tmp_path: Path, backends: Backends) -> None:
    need(HAProxy)
    with (HAProxy(tmp_path / 'haproxy', [backend.port for backend in backends.values()]) as proxy,
          httpx.Client(base_url=proxy.url, timeout=10) as player):
        pinned = player.get('/').json()['name']
        backends[pinned].stop()
        # At once, before the health checks notice: the refused connection is retried on the other backend.
        moved = player.get('/')
        assert moved.status_code == 200
        other = moved.json()['name']
        assert other != pinned
        assert [player.get('/').json()['name'] for _ in range(3)] == [other] * 3  # the new cookie pins it there


def test_more_open_connections_from_one_address_than_allowed_get_429(tmp_path: Path, backends: Backends) -> None:
    need(HAProxy)
    with HAProxy(tmp_path / 'haproxy', [backend.port for backend in backends.values()],
                 max_connections_per_address=3) as proxy:
        held = [_keep_alive_connection(proxy.port) for _ in range(3)]
        try:
            assert httpx.get(proxy.url, timeout=10).status_code == 429
        finally:
            for connection in held:
                connection.close()
        assert _status_within(proxy.url, 200, seconds=5)  # closed connections no longer count


def test_more_requests_from_one_address_than_allowed_get_429(tmp_path: Path, backends: Backends) -> None:
    need(HAProxy)
    with (HAProxy(tmp_path / 'haproxy', [backend.port for backend in backends.values()],
                  max_requests_per_address=5) as proxy,
          httpx.Client(base_url=proxy.url, timeout=10) as client):
        assert [client.get('/').status_code for _ in range(7)] == [200] * 5 + [429] * 2


def test_a_missing_program_is_one_error_naming_the_package_to_install(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    for service in (Postgres, Redis, HAProxy):
        monkeypatch.setattr(service, 'binary', tmp_path / f'no-{service.name}')
    with pytest.raises(MissingPackage, match=r'no-redis not found; install with: sudo apt-get install redis-server$'):
        Redis(tmp_path / 'redis').start()
    with pytest.raises(MissingPackage, match=r'install with: sudo apt-get install postgresql-15$'):
        Postgres(tmp_path / 'postgres').start()
    assert not (tmp_path / 'postgres').exists()  # it stopped before doing anything
    with pytest.raises(MissingPackage, match=r'sudo apt-get install haproxy postgresql-15 redis-server$'):
        require(Postgres, Redis, HAProxy)  # what deploy/cluster.py checks first


async def _next_message(listener: PubSub) -> dict[str, Any]:
    async with asyncio.timeout(5):
        while True:
            message = await listener.get_message(timeout=1.0)
            if message is not None:
                return dict(message)


def _keep_alive_connection(port: int) -> socket.socket:
    """A connection to the proxy that has had one answer and stays open (httpx would close it: the stand-in
    backends speak HTTP/1.0, so that a stopped one refuses every new connection at once)."""
    connection = socket.create_connection(('127.0.0.1', port), timeout=10)
    connection.sendall(b'GET / HTTP/1.1\r\nHost: hilo\r\n\r\n')
    answer = b''
    while not answer.endswith(b'}'):  # the JSON body is the end of the answer
        answer += connection.recv(4096)
    assert answer.split(b' ', 2)[1] == b'200'
    assert b'connection: close' not in answer.lower()
    return connection


def _status_within(url: str, status: int, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if httpx.get(url, timeout=5).status_code == status:
            return True
        time.sleep(0.05)
    return False
