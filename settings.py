"""Settings: where Hi-Lo listens and keeps its data, from command-line flags or environment variables.

Every option has a flag and an environment variable; a flag wins over the variable, the variable over the default.
``python main.py --help`` lists them. A bad value raises :class:`SettingsError` with a one-line reason.
"""
from __future__ import annotations

import argparse
import errno
import os
import secrets
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

APP_DIR = Path(__file__).resolve().parent
SECRET_FILE = 'storage-secret'
DEFAULT_PORT = '8080'
DEFAULT_JOINS_PER_SECOND = '60'
T = TypeVar('T')


class SettingsError(Exception):
    """An option has a value Hi-Lo cannot use; the message says which and why, in one line."""


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything ``main.py`` needs to know to start the game."""

    host: str
    port: int
    data_dir: Path
    database: Path
    database_url: str | None  # a database server instead of the SQLite file, e.g. postgresql+asyncpg://...
    echo_sql: bool
    open_browser: bool
    allowed_origins: list[str] | None  # None: only the origin the game is served from
    joins_per_second: float  # the most page loads admitted per second (see admission.py)
    storage_secret: str

    @property
    def sessions_dir(self) -> Path:
        """Where NiceGUI keeps each player's remembered name and range."""
        return self.data_dir / 'sessions'


def load(argv: Sequence[str], environ: Mapping[str, str] = os.environ) -> Settings:
    """Read the settings from command-line arguments (without the program name) and environment variables.

    Also checks that they work on this machine: the port is free and the data folder can hold the session secret.
    """
    options = _parser(environ).parse_args(argv)
    # A wrong value names where it came from: the flag, or the variable when no flag was given.
    port_from, port = _number(options.port, environ, flag='--port', variable='HILO_PORT', default=DEFAULT_PORT,
                              convert=int, what='a whole number')
    if not 1 <= port <= 65535:
        raise SettingsError(f'{port_from} must be from 1 to 65535, not {port}')
    joins_from, joins_per_second = _number(options.joins_per_second, environ, flag='--joins-per-second',
                                           variable='HILO_JOINS_PER_SECOND', default=DEFAULT_JOINS_PER_SECOND,
                                           convert=float, what='a number')
    if not joins_per_second > 0:
        raise SettingsError(f'{joins_from} must be more than 0, not {joins_per_second:g}')
    data_dir = Path(options.data_dir).expanduser().resolve()
    _check_port_is_free(options.host, port)
    return Settings(
        host=options.host,
        port=port,
        data_dir=data_dir,
        database=Path(options.database).expanduser() if options.database else data_dir / 'hilo.sqlite3',
        database_url=options.database_url or None,
        echo_sql=options.echo_sql,
        open_browser=options.browser,
        allowed_origins=[origin.strip().rstrip('/') for origin in options.allowed_origins.split(',') if origin.strip()]
        or None,
        storage_secret=environ.get('HILO_STORAGE_SECRET') or _stored_secret(data_dir),
        joins_per_second=joins_per_second,
    )


def _parser(environ: Mapping[str, str]) -> argparse.ArgumentParser:
    parser = _OneLineErrorParser(prog='python main.py',
                                 description='Hi-Lo: a number-guessing game with live high scores.',
                                 epilog='Every option can also be set by the environment variable in brackets.')
    parser.add_argument('--host', default=environ.get('HILO_HOST', '127.0.0.1'),
                        help='address to listen on; 0.0.0.0 lets other machines join (HILO_HOST, default: %(default)s)')
    parser.add_argument('--port', help=f'port to listen on (HILO_PORT, default: {DEFAULT_PORT})')
    parser.add_argument('--data-dir', default=environ.get('HILO_DATA_DIR', str(APP_DIR / 'data')),
                        help='folder for the database, the session secret and player sessions '
                             '(HILO_DATA_DIR, default: data/ next to main.py)')
    parser.add_argument('--database', default=environ.get('HILO_DATABASE'),
                        help='SQLite file for scores and rounds '
                             '(HILO_DATABASE, default: hilo.sqlite3 in the data folder)')
    parser.add_argument('--database-url', default=environ.get('HILO_DATABASE_URL'),
                        help='a PostgreSQL database instead of the SQLite file, for several servers sharing one, '
                             'e.g. postgresql+asyncpg://hilo@127.0.0.1/hilo (HILO_DATABASE_URL, default: none)')
    parser.add_argument('--echo-sql', action=argparse.BooleanOptionalAction,
                        default=_yes_or_no('HILO_ECHO_SQL', environ.get('HILO_ECHO_SQL', 'no')),
                        help='print every SQL statement as it runs (HILO_ECHO_SQL=yes|no, default: no)')
    parser.add_argument('--browser', action=argparse.BooleanOptionalAction,
                        default=_yes_or_no('HILO_BROWSER', environ.get('HILO_BROWSER', 'yes')),
                        help='open the game in a browser once it is ready (HILO_BROWSER=yes|no, default: yes)')
    parser.add_argument('--allowed-origins', default=environ.get('HILO_ALLOWED_ORIGINS', ''),
                        help='comma-separated web origins whose pages may connect, e.g. https://hilo.example.org, '
                             'when a proxy changes the address (HILO_ALLOWED_ORIGINS, default: the game\'s own origin)')
    parser.add_argument('--joins-per-second',
                        help='the most players let in per second while the server keeps pace; more wait in line '
                             f'(HILO_JOINS_PER_SECOND, default: {DEFAULT_JOINS_PER_SECOND})')
    return parser


class _OneLineErrorParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise SettingsError(message)


def _number(flag_value: str | None, environ: Mapping[str, str], *, flag: str, variable: str, default: str,
            convert: Callable[[str], T], what: str) -> tuple[str, T]:
    """The flag's value if given, else the variable's, else the default, as a number; with where it came from.

    A value that is not a number raises a :class:`SettingsError` that names the flag or the variable.
    """
    source, text = (flag, flag_value) if flag_value is not None else (variable, environ.get(variable, default))
    try:
        return source, convert(text)
    except ValueError:
        raise SettingsError(f'{source} must be {what}, not {text!r}') from None


def _yes_or_no(variable: str, text: str) -> bool:
    value = text.strip().lower()
    if value in {'1', 'yes', 'true', 'on'}:
        return True
    if value in {'0', 'no', 'false', 'off', ''}:
        return False
    raise SettingsError(f'{variable} must be yes or no, not {text!r}')


def _check_port_is_free(host: str, port: int) -> None:
    # Binding a throwaway socket tells us now, in one line, what uvicorn would report later as a log message.
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise SettingsError(f'--host {host!r} is not an address of this machine') from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does, so TIME_WAIT is no obstacle
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise SettingsError(f'port {port} is already in use; stop the other program or choose '
                                    f'another port with --port or HILO_PORT') from None
            raise SettingsError(f'cannot listen on {host}:{port}: {error.strerror}') from None


def _stored_secret(data_dir: Path) -> str:
    """The secret that signs session cookies: made once, then kept in the data folder (never in the source)."""
    path = data_dir / SECRET_FILE
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # O_EXCL: if two servers start at once, only one writes the secret and both read the same one.
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), 'w') as file:
                file.write(secrets.token_urlsafe(32))
        secret = path.read_text().strip()
    except FileExistsError:
        secret = path.read_text().strip()
    except OSError as error:
        raise SettingsError(f'cannot keep the session secret in {data_dir}: {error.strerror}') from None
    if not secret:
        raise SettingsError(f'{path} is empty; delete it and a new secret is made')
    return secret
