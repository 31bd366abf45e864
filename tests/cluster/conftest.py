"""Fixtures for the cluster tests: real PostgreSQL and Redis, stand-in backends for the proxy, and a real cluster."""
from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from deploy.cluster import Instance
from tests.browser.conftest import browser  # noqa: F401  (the fixture: one Chromium per test module)
from tests.services import HAProxy, Postgres, Redis, need


@pytest.fixture
def postgres(tmp_path: Path) -> Iterator[Postgres]:
    """A throwaway PostgreSQL with the database ``hilo``, on a free port."""
    need(Postgres)
    with Postgres(tmp_path / 'postgres', throwaway=True) as running:
        yield running


@pytest.fixture
def reachable_folder() -> Iterator[Path]:
    """A folder the postgres user can enter even when the tests run as root (pytest's own folders are private)."""
    folder = Path(tempfile.mkdtemp(prefix='hilo-test-postgres-'))
    folder.chmod(0o711)  # others may pass through, not list
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def redis_service(tmp_path: Path) -> Iterator[Redis]:
    """A Redis of its own, on a free port."""
    need(Redis)
    with Redis(tmp_path / 'redis') as running:
        yield running


class NamedBackend:
    """A tiny HTTP server in a thread that answers every GET with its name: a stand-in for a Hi-Lo instance.

    The answer is JSON: ``{"name": ..., "cookie": <the Cookie header it received>}``.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.server = _NamedServer(('127.0.0.1', 0), _Answer)
        self.server.backend_name = name
        self.port = int(self.server.server_address[1])
        self.stopped = False
        # A short poll interval: stop() waits for the serving loop to notice.
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.05},
                                        name=f'backend-{name}', daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop answering and close the listening socket, so new connections are refused, as when a process dies."""
        if not self.stopped:
            self.stopped = True
            self.server.shutdown()
            self.server.server_close()
            self._thread.join(timeout=5)


class _NamedServer(ThreadingHTTPServer):
    backend_name = ''


class _Answer(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        assert isinstance(self.server, _NamedServer)
        body = json.dumps({'name': self.server.backend_name, 'cookie': self.headers.get('Cookie', '')}).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the proxy's health checks would fill the test output."""


@pytest.fixture
def backends() -> Iterator[dict[str, NamedBackend]]:
    """Two stand-in instances, ``alpha`` and ``beta``, on free ports."""
    running = {name: NamedBackend(name) for name in ('alpha', 'beta')}
    yield running
    for backend in running.values():
        backend.stop()


class ClusterInstance(Instance):
    """``python main.py`` as the cluster command runs it, without the variable that tells NiceGUI it runs in pytest."""

    def process_options(self) -> dict[str, Any]:
        """The cluster's environment, minus PYTEST_CURRENT_TEST."""
        options = super().process_options()
        options['env'].pop('PYTEST_CURRENT_TEST', None)
        return options


@dataclass
class Cluster:
    """PostgreSQL, Redis, Hi-Lo instances and HAProxy in front of them, all running."""

    postgres: Postgres
    redis: Redis
    instances: list[ClusterInstance]
    proxy: HAProxy

    def instance(self, cookie: str) -> ClusterInstance:
        """The instance a HILO_SERVER cookie names (hilo1 is the first)."""
        return self.instances[int(cookie.removeprefix('hilo')) - 1]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """Two Hi-Lo instances on a throwaway PostgreSQL and a Redis, behind HAProxy, as ``python -m deploy.cluster``
    starts them; stopped in reverse order after the test."""
    need(Postgres, Redis, HAProxy)
    with ExitStack() as stack:
        postgres = stack.enter_context(Postgres(tmp_path / 'postgres', throwaway=True))
        redis = stack.enter_context(Redis(tmp_path / 'redis'))
        instances = [ClusterInstance(tmp_path / f'instance-{number}', database_url=postgres.url, redis_url=redis.url,
                                  secret='the same secret for every instance', label=f'Hi-Lo {number}')
                     for number in (1, 2)]
        for instance in instances:
            stack.callback(instance.stop)
            instance.launch()  # both at once, as the cluster command does
        for instance in instances:
            instance.wait_ready(timeout=60)
        proxy = stack.enter_context(HAProxy(tmp_path / 'haproxy', [instance.port for instance in instances]))
        yield Cluster(postgres, redis, instances, proxy)


async def until(condition: Callable[[], bool], *, seconds: float = 10) -> None:
    """Wait until ``condition()`` holds (checked every 20 ms), or fail after ``seconds``."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f'still not true after {seconds} s'
        await asyncio.sleep(0.02)
