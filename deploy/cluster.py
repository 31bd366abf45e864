"""One command for a local Hi-Lo cluster: PostgreSQL, Redis, several Hi-Lo instances and HAProxy in front of them.

    python -m deploy.cluster --instances 2      # then open http://127.0.0.1:8080

Everything runs from Debian's packages (postgresql-15, redis-server, haproxy) on 127.0.0.1, as children of this
command, with its files under ``data/cluster/`` (``--data-dir``): PostgreSQL's data there is kept across runs, so
scores persist, and so is the secret that signs the session cookie, which every instance shares. Ctrl+C (or
SIGTERM) stops everything, the proxy first and PostgreSQL last.
"""
from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import sys
import time
import urllib.request
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from types import FrameType
from typing import Any

from deploy.services import HAProxy, MissingPackage, Postgres, Redis, Service, ServiceError, require

APP_DIR = Path(__file__).resolve().parent.parent
MAIN = APP_DIR / 'main.py'
SECRET_FILE = 'storage-secret'
MAX_INSTANCES = 16  # a local cluster on one machine; more only compete for its cores
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Instance(Service):
    """One ``python main.py`` of the cluster: its own port and data folder, the shared database, Redis and secret."""

    name = 'hilo'
    title = 'Hi-Lo'
    binary = Path(sys.executable)
    package = 'python3'

    def __init__(self, folder: Path, *, database_url: str, redis_url: str, secret: str, label: str) -> None:
        super().__init__(folder, label=label)
        self.database_url = database_url
        self.redis_url = redis_url
        self.secret = secret

    @property
    def url(self) -> str:
        """The instance itself, without the proxy."""
        return f'http://127.0.0.1:{self.port}'

    def command(self) -> list[str]:
        """main.py on its own port, with the shared PostgreSQL database."""
        return [sys.executable, str(MAIN), '--no-browser', '--port', str(self.port), '--data-dir', str(self.folder),
                '--database-url', self.database_url]

    def process_options(self) -> dict[str, Any]:
        """NiceGUI's storage in Redis, and the one secret that makes a session cookie good on every instance."""
        environment = {name: value for name, value in os.environ.items()
                       if not name.startswith('NICEGUI_') and name != 'HILO_DATABASE_URL'}
        return {'env': {**environment, 'NICEGUI_REDIS_URL': self.redis_url, 'HILO_STORAGE_SECRET': self.secret},
                'cwd': APP_DIR}

    def ready(self) -> bool:
        """Whether the instance serves its welcome page."""
        try:
            with urllib.request.urlopen(self.url, timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False


class _Stop(Exception):
    """Ctrl+C or SIGTERM: stop everything."""


def main(argv: Sequence[str] | None = None) -> int:
    """Start the cluster, wait for Ctrl+C (or SIGTERM, SIGHUP), stop it; returns the exit code."""
    options = _parser().parse_args(argv)
    try:
        require(Postgres, Redis, HAProxy)
    except MissingPackage as error:
        print(f'hilo cluster: {error}', file=sys.stderr)
        return 1
    if not _port_is_free(options.port):
        print(f'hilo cluster: port {options.port} is already in use; choose another one with --port', file=sys.stderr)
        return 1
    # SIGHUP too: closing the terminal must stop the services, which run in sessions of their own and would
    # otherwise outlive this command.
    for number in STOP_SIGNALS:
        signal.signal(number, _on_signal)
    code = 0
    stack = ExitStack()
    try:
        services = _start(options, stack)
        _print_summary(services, options.port)
        _watch(services)
    except _Stop:
        print('\nStopping the cluster...', flush=True)
    except (ServiceError, MissingPackage, OSError) as error:
        print(f'hilo cluster: {error}', file=sys.stderr)
        code = 1
    finally:
        _stop_quietly()
        stack.close()  # the reverse order of starting: HAProxy, the instances, Redis, PostgreSQL
    print('Stopped.')
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog='python -m deploy.cluster', description=__doc__.splitlines()[0] if __doc__
                                     else None)
    parser.add_argument('--instances', type=_count, default=2, metavar='N',
                        help=f'how many Hi-Lo instances to run, 1 to {MAX_INSTANCES} (default: %(default)s)')
    parser.add_argument('--port', type=_port, default=8080, help='port of the proxy, where players go (default: 8080)')
    parser.add_argument('--data-dir', type=Path, default=APP_DIR / 'data' / 'cluster',
                        help='folder for the database, the instances and the logs (default: data/cluster/)')
    return parser


def _start(options: argparse.Namespace, stack: ExitStack) -> list[Service]:
    data_dir: Path = options.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    # SQLAlchemy's default pool is 5 connections and 10 more under load, per instance.
    postgres = Postgres(data_dir / 'postgres', max_connections=max(100, 15 * options.instances + 10))
    _start_one(stack, postgres)
    redis = Redis(data_dir / 'redis')
    _start_one(stack, redis)
    secret = _shared_secret(data_dir)
    instances = [Instance(data_dir / f'instance-{number}', database_url=postgres.url, redis_url=redis.url,
                          secret=secret, label=f'Hi-Lo {number}') for number in range(1, options.instances + 1)]
    print(f'Starting {len(instances)} Hi-Lo instances...', flush=True)
    stack.callback(_stop_all, instances)
    for instance in instances:  # all at once: each needs about a second of CPU to start
        instance.launch()
    for instance in instances:
        instance.wait_ready(timeout=60)
    proxy = HAProxy(data_dir / 'haproxy', [instance.port for instance in instances], port=options.port)
    _start_one(stack, proxy)
    return [proxy, *instances, redis, postgres]


def _start_one(stack: ExitStack, service: Service) -> None:
    print(f'Starting {service.label}...', flush=True)
    stack.callback(_stop, service)  # before the start, so a Ctrl+C in between leaves nothing behind
    service.launch()
    service.wait_ready(timeout=60)


def _stop(service: Service) -> None:
    if service.running:  # not one that never started or already stopped on its own
        service.stop()
        print(f'  stopped {service.label}', flush=True)


def _stop_all(instances: list[Instance]) -> None:
    # Together: each instance takes a moment to write the guesses on their way and close its database connections.
    running = [instance for instance in instances if instance.running]
    for instance in running:
        instance.request_stop()
    for instance in running:
        instance.stop()
        print(f'  stopped {instance.label}', flush=True)


def _watch(services: list[Service]) -> None:
    """Say once when a part stops on its own. The rest keeps running: HAProxy moves players off a dead instance."""
    reported: set[str] = set()
    while True:
        for service in services:
            if service.label not in reported and not service.running:
                reported.add(service.label)
                code = service.process.returncode if service.process else None
                print(f'hilo cluster: {service.label} stopped on its own (exit code {code}); see {_shown(service.log)}',
                      file=sys.stderr, flush=True)
        time.sleep(0.5)


def _print_summary(services: list[Service], port: int) -> None:
    print(f'\nHi-Lo is ready: http://127.0.0.1:{port}\n')
    for service in services:
        where = f'127.0.0.1:{service.port}'
        if isinstance(service, HAProxy):
            detail = f'config {_shown(service.config)}, sticky cookie HILO_SERVER'
        elif isinstance(service, Postgres):
            detail = f'{service.url}, data in {_shown(service.data)}'
        elif isinstance(service, Redis):
            detail = f'{service.url}, nothing kept on disk'
        else:
            detail = f'data in {_shown(service.folder)}'
        print(f'  {service.label:<11} {where:<16} {detail}; log {_shown(service.log)}')
    print('\nPress Ctrl+C to stop everything.', flush=True)


def _count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_INSTANCES:
        raise argparse.ArgumentTypeError(f'must be a whole number from 1 to {MAX_INSTANCES}, not {text!r}')
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f'must be a port number from 1 to 65535, not {text!r}')
    return int(text)


def _shared_secret(data_dir: Path) -> str:
    """The secret that signs session cookies, made once and kept in the cluster's folder; every instance gets it."""
    path = data_dir / SECRET_FILE
    if not path.exists():
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), 'w') as file:
            file.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as HAProxy does, so TIME_WAIT is no obstacle
        try:
            probe.bind(('127.0.0.1', port))
        except OSError:
            return False
    return True


def _shown(path: Path) -> str:
    """A path relative to the working folder when it is inside it: shorter to read."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _on_signal(number: int, frame: FrameType | None) -> None:
    _stop_quietly()  # from now on a second Ctrl+C must not interrupt the orderly stop
    raise _Stop(signal.Signals(number).name)


def _stop_quietly() -> None:
    for number in STOP_SIGNALS:
        signal.signal(number, _already_stopping)


def _already_stopping(number: int, frame: FrameType | None) -> None:
    print('hilo cluster: already stopping, one moment', file=sys.stderr, flush=True)


if __name__ == '__main__':
    sys.exit(main())
