"""Run one program from a Debian package as a service for the local cluster and the tests: the shared machinery.

A :class:`Service` runs in the foreground as a child process, in a folder of its own (its log is there too) and on a
port of 127.0.0.1. It is a context manager: ``with Redis(folder) as redis:`` starts it and waits until it answers,
and leaving the block stops it the clean way, or kills it if it does not stop in time. Nothing here is a system
service. The children run in process groups of their own, so a Ctrl+C in the terminal reaches only the script,
which then stops them in order. The services themselves are in ``deploy/services.py``.
"""
from __future__ import annotations

import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Self


class MissingPackage(RuntimeError):
    """Programs this machine lacks; the message names them and the Debian packages that bring them."""

    def __init__(self, services: Sequence[type[Service]]) -> None:
        self.packages = sorted({service.package for service in services})
        programs = ', '.join(str(service.binary) for service in services)
        super().__init__(f'{programs} not found; install with: sudo apt-get install {" ".join(self.packages)}')


class ServiceError(RuntimeError):
    """A service did not start or stop as it should; the message says which, and ends with its log."""


def free_port() -> int:
    """A port of 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return int(probe.getsockname()[1])


def require(*services: type[Service]) -> None:
    """Raise :class:`MissingPackage` naming every one of ``services`` whose program is not installed."""
    missing = [service for service in services if not service.binary.exists()]
    if missing:
        raise MissingPackage(missing)


def accepts_connections(port: int) -> bool:
    """Whether something listens on ``port`` of 127.0.0.1."""
    try:
        socket.create_connection(('127.0.0.1', port), timeout=1).close()
    except OSError:
        return False
    return True


class Service:
    """One program from a Debian package, run in the foreground as a child process with its own folder and port."""

    name: ClassVar[str]  # for files: the log is folder/NAME.log
    title: ClassVar[str]  # for people
    binary: ClassVar[Path]
    package: ClassVar[str]
    stop_signal: ClassVar[signal.Signals] = signal.SIGTERM

    def __init__(self, folder: Path, *, port: int | None = None, label: str | None = None) -> None:
        self.label = label or self.title  # how messages call it
        self.folder = Path(folder).resolve()
        self.port = port or free_port()
        self.log = self.folder / f'{self.name}.log'
        self.process: subprocess.Popen[bytes] | None = None
        self._stop_requested = False

    def command(self) -> list[str]:
        """The command line that runs the service in the foreground."""
        raise NotImplementedError

    def ready(self) -> bool:
        """Whether the service answers yet."""
        return accepts_connections(self.port)

    def prepare(self) -> None:
        """Get the folder ready before the first start (write configuration, create a database, ...)."""

    def process_options(self) -> dict[str, Any]:
        """Extra keyword arguments for :class:`subprocess.Popen` (environment, user)."""
        return {}

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self.process is not None and self.process.poll() is None

    def launch(self) -> None:
        """Start the process without waiting for it to answer (see :meth:`wait_ready`)."""
        require(type(self))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.prepare()
        self._stop_requested = False
        with self.log.open('ab') as log:
            # start_new_session: a Ctrl+C in the terminal goes to our process only, which stops services in order.
            self.process = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True, **self.process_options())

    def wait_ready(self, timeout: float = 30) -> None:
        """Wait until the service answers; stop it and raise :class:`ServiceError` if it exits or takes too long."""
        deadline = time.monotonic() + timeout
        try:
            while not self.ready():
                if self.process is None or self.process.poll() is not None:
                    code = self.process.returncode if self.process else None
                    raise ServiceError(f'{self.label} stopped at start-up (exit code {code}){self._log_tail()}')
                if time.monotonic() > deadline:
                    raise ServiceError(f'{self.label} did not answer within {timeout:g} s{self._log_tail()}')
                time.sleep(0.05)
        except BaseException:  # also Ctrl+C while waiting: never leave a half-started service behind
            self.stop(timeout=10)  # the clean way if it listens, else killed
            raise

    def start(self, timeout: float = 30) -> None:
        """Start the service and wait until it answers."""
        self.launch()
        self.wait_ready(timeout)

    def stop(self, timeout: float = 20) -> int | None:
        """Stop the service the clean way; kill it if it is still running after ``timeout`` seconds.

        Returns its exit code (None if it was never started).
        """
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.request_stop()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
            except BaseException:  # interrupted while waiting: do not leave it running
                self.kill()
                raise
        self.cleanup()
        return self.process.returncode

    def request_stop(self) -> None:
        """Send the signal that stops the service cleanly, once, without waiting (see :meth:`stop`).

        Once only, because to some programs (uvicorn, Redis) a second one means: stop now, skip the clean-up.
        """
        if self.process is not None and self.process.poll() is None and not self._stop_requested:
            self._stop_requested = True
            self.process.send_signal(self.stop_signal)

    def kill(self) -> None:
        """Stop the service at once with SIGKILL, as in a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.cleanup()

    def cleanup(self) -> None:
        """Remove what only lived as long as the process."""

    def _log_tail(self, lines: int = 20) -> str:
        try:
            tail = self.log.read_text(errors='replace').splitlines()[-lines:]
        except OSError:
            return ''
        return f'; {self.log} ends with:\n' + '\n'.join(tail)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()
