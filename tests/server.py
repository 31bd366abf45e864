"""A real Hi-Lo server in its own process, for tests that need the real thing (startup, browser, load, crashes)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

MAIN = Path(__file__).resolve().parent.parent / 'main.py'


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return int(probe.getsockname()[1])


def server_environment(**extra: str) -> dict[str, str]:
    """This process's environment without the variables that tell NiceGUI it runs inside pytest."""
    environment = {name: value for name, value in os.environ.items()
                   if name != 'PYTEST_CURRENT_TEST' and not name.startswith('NICEGUI_')}
    return {**environment, **extra}


def run_main(*options: str, env: dict[str, str] | None = None, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """Run ``python main.py --no-browser OPTIONS`` to completion and capture what it prints."""
    return subprocess.run([sys.executable, str(MAIN), '--no-browser', *options], capture_output=True, text=True,
                          timeout=timeout, env=server_environment(**(env or {})), check=False)


class Server:
    """``python main.py`` on a free port of 127.0.0.1 with its own data folder; a context manager.

    ``with Server(tmp_path / 'data') as server:`` starts it and waits until it serves its first page;
    leaving the block stops it with SIGTERM (or :meth:`kill` does it the hard way).
    """

    def __init__(self, data_dir: Path, *options: str, port: int | None = None, under: Sequence[str] = ()) -> None:
        """``under``: a command to run the server under (a profiler, say), as in ``valgrind python main.py``."""
        self.data_dir = data_dir
        self.under = list(under)
        self.port = port or free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.options = options
        self.log = data_dir.parent / f'server-{self.port}.log'
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 20) -> float:
        """Start the server and wait for its first page; returns the seconds that took."""
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        with self.log.open('ab') as log:
            self.process = subprocess.Popen(
                [*self.under, sys.executable, str(MAIN), '--no-browser', '--port', str(self.port), '--data-dir',
                 str(self.data_dir), *self.options], stdout=log, stderr=subprocess.STDOUT, env=server_environment())
        deadline = started + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f'the server stopped at start-up:\n{self.log.read_text()}')
            try:
                with urllib.request.urlopen(self.url, timeout=1) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except urllib.error.HTTPError as error:
                if error.code == 503:  # the server's waiting room (admission.py): it serves, and is busy
                    return time.perf_counter() - started
            except OSError:
                pass
            if time.perf_counter() > deadline:
                self.stop()
                raise TimeoutError(f'the server did not serve within {timeout} s:\n{self.log.read_text()}')
            time.sleep(0.02)

    def stop(self, timeout: float = 15, *, signal_number: signal.Signals = signal.SIGTERM) -> int:
        """Stop the server with SIGTERM, the way a host stops a service (or SIGINT, as Ctrl+C in its terminal does);
        returns its exit code."""
        return self._end(signal_number, timeout)

    def kill(self) -> int:
        """Stop the server with SIGKILL: no shutdown code runs, as in a crash."""
        return self._end(signal.SIGKILL, 10)

    def _end(self, signal_number: int, timeout: float) -> int:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal_number)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()
