"""The classic reference app (app.py) under gunicorn in its own process, for the benchmark and its smoke test."""
from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType

import psutil

from tests.server import free_port, server_environment

ROOT = Path(__file__).resolve().parents[3]  # the checkout, so that gunicorn imports this copy of the app


class ClassicServer:
    """``python -m tests.load.classic.app`` on a free port of 127.0.0.1 with a fresh database; a context manager.

    ``with ClassicServer(tmp_path / 'classic') as server:`` starts it and waits until it serves its page; leaving the
    block stops it with SIGTERM. gunicorn runs as two processes: ``process`` is the master, which only watches over
    the worker, and ``worker_pid`` is the one worker process that serves every request (its CPU and memory are what
    the design costs; the master adds a constant ~25 MB of RSS and next to no CPU).
    """

    def __init__(self, data_dir: Path, *, port: int | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.database = data_dir / 'classic.sqlite3'
        self.log = data_dir.parent / f'classic-{self.port}.log'
        self.process: subprocess.Popen[bytes] | None = None
        self.worker_pid: int | None = None

    def start(self, timeout: float = 20) -> float:
        """Start the server and wait for its first page; returns the seconds that took."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        with self.log.open('ab') as log:
            self.process = subprocess.Popen(
                [sys.executable, '-m', 'tests.load.classic.app', '--port', str(self.port),
                 '--database', str(self.database)],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=server_environment())
        deadline = started + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f'the classic server stopped at start-up:\n{self.log.read_text()}')
            try:
                with urllib.request.urlopen(self.url, timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.perf_counter() > deadline:
                self.stop()
                raise TimeoutError(f'the classic server did not serve within {timeout} s:\n{self.log.read_text()}')
            time.sleep(0.02)
        workers = psutil.Process(self.process.pid).children()
        if len(workers) != 1:
            self.stop()
            raise RuntimeError(f'expected one gunicorn worker, found {len(workers)}')
        self.worker_pid = workers[0].pid
        return time.perf_counter() - started

    def stop(self, timeout: float = 15) -> int:
        """Stop the server with SIGTERM (gunicorn lets the worker finish its requests); returns its exit code."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            if self.worker_pid is not None:  # a killed master leaves its worker behind
                with contextlib.suppress(psutil.NoSuchProcess):
                    psutil.Process(self.worker_pid).kill()
            return self.process.wait()

    def __enter__(self) -> ClassicServer:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()
