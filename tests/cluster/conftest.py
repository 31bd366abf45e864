"""Fixtures for the cluster tests: real PostgreSQL and Redis, and stand-in backends for the proxy."""
from __future__ import annotations

import json
import shutil
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.services import Postgres, Redis, need


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
