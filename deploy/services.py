"""PostgreSQL, Redis and HAProxy from Debian's packages, each in a folder of its own on a port of 127.0.0.1.

Used by the local cluster (``python -m deploy.cluster``) and by the tests (through ``tests/services.py``)::

    with Postgres(folder) as postgres, Redis(folder) as redis:
        ...  # postgres.url, redis.url

How a service is started, waited for and stopped is in ``deploy/process.py``.
"""
from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from deploy.process import MissingPackage, Service, ServiceError, free_port, require

__all__ = ['HAProxy', 'MissingPackage', 'Postgres', 'Redis', 'Service', 'ServiceError', 'free_port', 'require']

DEPLOY = Path(__file__).resolve().parent
PG_BIN = Path('/usr/lib/postgresql/15/bin')


class Postgres(Service):
    """PostgreSQL 15 with a database ``hilo`` that the user ``hilo`` reaches on 127.0.0.1 without a password.

    The cluster lives in ``folder/data`` and is kept: the next start with the same folder finds the same scores.
    ``throwaway=True`` is for tests only: it turns off fsync and full-page writes, which makes PostgreSQL faster
    but lets a crash of the machine corrupt the data; and when running as root it may keep the data in a
    temporary folder (see :meth:`prepare`), removed when PostgreSQL stops.
    """

    name = 'postgres'
    title = 'PostgreSQL'
    binary = PG_BIN / 'postgres'
    package = 'postgresql-15'
    # PostgreSQL's "fast" shutdown: it ends open sessions, writes a checkpoint and exits. Its SIGTERM ("smart")
    # would wait for every client to disconnect first, and instances keep pooled connections open.
    stop_signal = signal.SIGINT
    user = 'hilo'
    database = 'hilo'

    def __init__(self, folder: Path, *, port: int | None = None, throwaway: bool = False,
                 max_connections: int = 100) -> None:
        super().__init__(folder, port=port)
        self.throwaway = throwaway
        self.max_connections = max_connections
        self.data = self.folder / 'data'
        self._temporary: Path | None = None

    @property
    def url(self) -> str:
        """The SQLAlchemy URL Hi-Lo takes: ``postgresql+asyncpg://hilo@127.0.0.1:PORT/hilo``."""
        return f'postgresql+asyncpg://{self.user}@127.0.0.1:{self.port}/{self.database}'

    @property
    def dsn(self) -> str:
        """The same database for asyncpg or psql directly: ``postgresql://hilo@127.0.0.1:PORT/hilo``."""
        return f'postgresql://{self.user}@127.0.0.1:{self.port}/{self.database}'

    def prepare(self) -> None:
        """Create the cluster and its database on the first start; later starts reuse them.

        PostgreSQL refuses to run as root. As root, its programs run as the ``postgres`` user that Debian's package
        creates, and that user must be able to reach ``folder``. If it cannot (a folder under /root, or pytest's
        private temporary folders), a throwaway database goes to a temporary folder under /tmp instead, and any
        other one is refused with a message saying so.
        """
        if os.getuid() == 0 and not self._postgres_reaches(self.folder):
            if not self.throwaway:
                raise ServiceError(f'PostgreSQL runs as the postgres user when started as root, and that user cannot '
                                   f'reach {self.folder}; choose a data folder whose parents everyone may enter, '
                                   f'or run as another user')
            self._temporary = Path(tempfile.mkdtemp(prefix='hilo-postgres-'))
            self._give_to_postgres(self._temporary)
            self.data = self._temporary / 'data'
        if not (self.data / 'PG_VERSION').exists():
            self._create_cluster()

    def _create_cluster(self) -> None:
        # Built next to its final place and renamed at the end, so an interrupted first start leaves no half-made
        # cluster that the next start would take for a finished one.
        partial = self.data.with_name(self.data.name + '.partial')
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(mode=0o700)
        self._give_to_postgres(partial)
        # trust: whoever reaches 127.0.0.1 of this machine may connect without a password. Fine for a local cluster
        # and for tests, since PostgreSQL listens on 127.0.0.1 only; a shared machine needs passwords (scram-sha-256).
        self._run([str(PG_BIN / 'initdb'), '-D', str(partial), '-U', self.user, '--auth=trust', '--encoding=UTF8',
                   '--locale=C', '--no-instructions', *(['--no-sync'] if self.throwaway else [])])
        # Single-user mode creates the database before any server listens: no client program and no port needed.
        output = self._run([str(self.binary), '--single', '-D', str(partial), 'template1'],
                           stdin=f'CREATE DATABASE {self.database}\n')
        if 'ERROR' in output:
            raise ServiceError(f'PostgreSQL could not create the database {self.database}:\n{output}')
        partial.rename(self.data)

    def _run(self, command: list[str], stdin: str = '') -> str:
        result = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=120, check=False,
                                **self.process_options())
        if result.returncode != 0:
            raise ServiceError(f'{Path(command[0]).name} failed (exit code {result.returncode}):\n'
                               f'{result.stdout}{result.stderr}')
        return result.stdout + result.stderr

    def command(self) -> list[str]:
        """The server, on 127.0.0.1 only and without a Unix socket (whose folder may not be writable)."""
        settings = ['listen_addresses=127.0.0.1', 'unix_socket_directories=', f'max_connections={self.max_connections}']
        if self.throwaway:
            # Tests only: no waiting for the disk. A crash of the machine (not of PostgreSQL) may corrupt the data.
            settings += ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off']
        return [str(self.binary), '-D', str(self.data), '-p', str(self.port),
                *(part for setting in settings for part in ('-c', setting))]

    def ready(self) -> bool:
        """Whether PostgreSQL accepts connections, as its postmaster.pid file says (what pg_ctl reads too)."""
        try:
            lines = (self.data / 'postmaster.pid').read_text().splitlines()
        except OSError:
            return False
        # Line 1 is the process id, which tells our server from a file left behind by a crashed earlier one;
        # line 8 is the server's state.
        return (self.process is not None and len(lines) >= 8 and lines[0] == str(self.process.pid)
                and lines[7].strip() == 'ready')

    def process_options(self) -> dict[str, Any]:
        """As root: run as the postgres user, without root's groups."""
        if os.getuid() != 0:
            return {}
        account = _postgres_account()
        return {'user': account.pw_uid, 'group': account.pw_gid, 'extra_groups': [], 'cwd': '/'}

    def cleanup(self) -> None:
        """Remove the temporary folder of a throwaway database, if it needed one."""
        if self._temporary is not None:
            shutil.rmtree(self._temporary, ignore_errors=True)
            self._temporary = None

    def _postgres_reaches(self, folder: Path) -> bool:
        folder.mkdir(parents=True, exist_ok=True)
        return subprocess.run(['test', '-x', str(folder)], check=False, **self.process_options()).returncode == 0

    @staticmethod
    def _give_to_postgres(folder: Path) -> None:
        if os.getuid() == 0:
            account = _postgres_account()
            os.chown(folder, account.pw_uid, account.pw_gid)


def _postgres_account() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam('postgres')
    except KeyError:
        raise MissingPackage([Postgres]) from None  # Debian's package creates the user


class Redis(Service):
    """Redis without persistence: what it holds (NiceGUI's storage, the pub/sub channel) lives as long as it runs."""

    name = 'redis'
    title = 'Redis'
    binary = Path('/usr/bin/redis-server')
    package = 'redis-server'

    @property
    def url(self) -> str:
        """Where clients connect, database 0: ``redis://127.0.0.1:PORT/0``."""
        return f'redis://127.0.0.1:{self.port}/0'

    def command(self) -> list[str]:
        """redis-server on 127.0.0.1 only; ``--save ''`` and no append-only file: nothing is written to disk."""
        return [str(self.binary), '--bind', '127.0.0.1', '--port', str(self.port), '--dir', str(self.folder),
                '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning']

    def ready(self) -> bool:
        """Whether Redis answers PING (it refuses commands while it is still starting)."""
        try:
            with socket.create_connection(('127.0.0.1', self.port), timeout=1) as connection:
                connection.sendall(b'PING\r\n')
                return connection.recv(64).startswith(b'+PONG')
        except OSError:
            return False

    def restart(self, timeout: float = 30) -> None:
        """Stop Redis and start it again on the same port, empty, as after a crash and a restart by a supervisor."""
        self.stop()
        self.start(timeout)


class HAProxy(Service):
    """HAProxy on ``port`` in front of Hi-Lo instances on ``backends`` (ports of 127.0.0.1), with sticky sessions.

    The configuration is ``deploy/haproxy.cfg`` with one ``server`` line per backend appended, written to
    ``folder/haproxy.cfg``; the limits and the health-check path reach it as environment variables.
    """

    name = 'haproxy'
    title = 'HAProxy'
    binary = Path('/usr/sbin/haproxy')
    package = 'haproxy'
    template = DEPLOY / 'haproxy.cfg'

    def __init__(self, folder: Path, backends: Sequence[int], *, port: int | None = None,
                 max_connections_per_address: int = 100, max_requests_per_address: int = 300,
                 health_path: str = '/assets/favicon.svg') -> None:
        super().__init__(folder, port=port)
        self.backends = list(backends)
        self.config = self.folder / 'haproxy.cfg'
        self.max_connections_per_address = max_connections_per_address
        self.max_requests_per_address = max_requests_per_address
        self.health_path = health_path

    @property
    def url(self) -> str:
        """Where players go: ``http://127.0.0.1:PORT``."""
        return f'http://127.0.0.1:{self.port}'

    def prepare(self) -> None:
        """Write the configuration: the template, then one server line per backend inside its last section."""
        servers = ''.join(f'    server hilo{number} 127.0.0.1:{port} cookie hilo{number}\n'
                          for number, port in enumerate(self.backends, start=1))
        self.config.write_text(self.template.read_text() + servers)

    def environment(self) -> dict[str, str]:
        """The variables deploy/haproxy.cfg reads, on top of this process's environment."""
        return {**os.environ, 'HILO_PROXY_BIND': f'127.0.0.1:{self.port}',
                'HILO_PROXY_MAX_CONNECTIONS_PER_ADDRESS': str(self.max_connections_per_address),
                'HILO_PROXY_MAX_REQUESTS_PER_ADDRESS': str(self.max_requests_per_address),
                'HILO_PROXY_HEALTH_PATH': self.health_path}

    def check(self) -> str:
        """Write the configuration and have ``haproxy -c`` check it; returns what it said, raises if it is invalid."""
        require(HAProxy)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.prepare()
        result = subprocess.run([str(self.binary), '-c', '-f', str(self.config)], capture_output=True, text=True,
                                env=self.environment(), timeout=30, check=False)
        if result.returncode != 0:
            raise ServiceError(f'haproxy -c rejects {self.config}:\n{result.stdout}{result.stderr}')
        return result.stdout + result.stderr

    def command(self) -> list[str]:
        """HAProxy in the foreground (-db), with the written configuration."""
        return [str(self.binary), '-db', '-f', str(self.config)]

    def process_options(self) -> dict[str, Any]:
        """The environment with the variables the configuration reads."""
        return {'env': self.environment()}
