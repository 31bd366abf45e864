"""``python -m deploy.cluster``: one command for PostgreSQL, Redis, Hi-Lo instances and HAProxy, and Ctrl+C stops it."""
from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from deploy import cluster
from tests.server import run_main, server_environment
from tests.services import HAProxy, Postgres, Redis, free_port, need

ROOT = Path(__file__).resolve().parent.parent.parent


def test_missing_packages_are_one_line_with_the_command_that_installs_them(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    for service in (Postgres, Redis, HAProxy):
        monkeypatch.setattr(service, 'binary', tmp_path / f'no-{service.name}')
    assert cluster.main(['--data-dir', str(tmp_path / 'cluster')]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert lines[0].endswith('install with: sudo apt-get install haproxy postgresql-15 redis-server')
    assert not (tmp_path / 'cluster').exists()


def test_a_busy_proxy_port_is_one_line_before_anything_starts(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    need(Postgres, Redis, HAProxy)
    with socket.socket() as busy:
        busy.bind(('127.0.0.1', 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cluster.main(['--port', str(port), '--data-dir', str(tmp_path / 'cluster')]) == 1
    assert capsys.readouterr().err == (f'hilo cluster: port {port} is already in use; '
                                       f'choose another one with --port\n')
    assert not (tmp_path / 'cluster').exists()


def test_one_command_starts_the_cluster_and_ctrl_c_stops_all_of_it_in_reverse_order(reachable_folder: Path) -> None:
    need(Postgres, Redis, HAProxy)
    if '--database-url' not in run_main('--help').stdout:
        pytest.skip('main.py has no --database-url yet (the app side of the cluster)')
    port = free_port()
    output = reachable_folder / 'output.txt'
    with output.open('w') as file:
        command = subprocess.Popen([sys.executable, '-m', 'deploy.cluster', '--instances', '2', '--port', str(port),
                                    '--data-dir', str(reachable_folder / 'cluster')], cwd=ROOT, stdout=file,
                                   stderr=subprocess.STDOUT, env=server_environment())
    try:
        deadline = time.monotonic() + 120
        while 'Press Ctrl+C' not in output.read_text():
            assert command.poll() is None, output.read_text()
            assert time.monotonic() < deadline, output.read_text()
            time.sleep(0.1)
        children = psutil.Process(command.pid).children(recursive=True)
        assert len(children) >= 5  # PostgreSQL (and its workers), Redis, two instances, HAProxy
        page = httpx.get(f'http://127.0.0.1:{port}/', timeout=20)
        assert page.status_code == 200
        assert 'HILO_SERVER' in page.cookies
        command.send_signal(signal.SIGINT)
        assert command.wait(timeout=60) == 0
    finally:
        if command.poll() is None:
            command.kill()
    text = output.read_text()
    assert 'Traceback' not in text
    stopped = [line.strip() for line in text.splitlines() if line.startswith('  stopped ')]
    assert stopped == ['stopped HAProxy', 'stopped Hi-Lo 1', 'stopped Hi-Lo 2', 'stopped Redis', 'stopped PostgreSQL']
    _, alive = psutil.wait_procs(children, timeout=5)
    assert not alive
    assert (reachable_folder / 'cluster' / 'postgres' / 'data' / 'PG_VERSION').exists()  # kept for the next run
