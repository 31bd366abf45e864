"""Starting the game for real: ``python main.py`` as a player or a host runs it, in a separate process."""
from __future__ import annotations

import os
import socket
import sqlite3
import stat
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server import MAIN, Server, free_port, run_main


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A real server on a free port with a fresh data folder."""
    with Server(tmp_path / 'data') as running:
        yield running


def assert_one_line_error(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith('hilo: ')
    assert expected in lines[0]
    assert 'Traceback' not in result.stderr


def test_the_game_serves_its_welcome_page(server: Server) -> None:
    with urllib.request.urlopen(server.url) as response:
        page = response.read().decode()
    assert 'Guess the number' in page
    assert (server.data_dir / 'hilo.sqlite3').exists()


def test_the_session_secret_is_made_once_and_kept_private_in_the_data_folder(server: Server) -> None:
    secret_file = server.data_dir / 'storage-secret'
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    secret = secret_file.read_text()
    assert len(secret) >= 32
    for source in MAIN.parent.glob('**/*.py'):
        assert secret not in source.read_text()
    server.stop()
    server.start()
    assert secret_file.read_text() == secret  # kept: players stay signed in across restarts


def test_a_port_in_use_gives_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(('127.0.0.1', 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_main('--port', str(port), '--data-dir', str(tmp_path))
    assert_one_line_error(result, f'port {port} is already in use')


def test_an_unwritable_database_path_gives_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / 'not-a-folder'
    blocker.write_text('a file where the database folder should be')
    result = run_main('--port', str(free_port()), '--data-dir', str(tmp_path / 'data'),
                      '--database', str(blocker / 'hilo.sqlite3'))
    assert_one_line_error(result, 'cannot create the folder')


def test_a_database_path_that_is_a_folder_gives_one_clear_line(tmp_path: Path) -> None:
    result = run_main('--port', str(free_port()), '--data-dir', str(tmp_path / 'data'), '--database', str(tmp_path))
    assert_one_line_error(result, 'it is a folder')


def test_a_database_on_a_read_only_file_system_gives_one_clear_line(tmp_path: Path) -> None:
    result = run_main('--port', str(free_port()), '--data-dir', str(tmp_path / 'data'),
                      '--database', '/proc/hilo.sqlite3')
    assert_one_line_error(result, 'unable to open database file')


def test_a_damaged_database_gives_one_clear_line(tmp_path: Path) -> None:
    damaged = tmp_path / 'damaged.sqlite3'
    damaged.write_bytes(os.urandom(8192))
    result = run_main('--port', str(free_port()), '--data-dir', str(tmp_path), '--database', str(damaged))
    assert_one_line_error(result, 'file is not a database')


def test_a_database_damaged_inside_gives_one_clear_line(tmp_path: Path) -> None:
    database = tmp_path / 'hilo.sqlite3'
    with sqlite3.connect(database) as connection:  # a real database with scores in it...
        connection.execute('CREATE TABLE score (id INTEGER PRIMARY KEY, name TEXT, guesses INTEGER)')
        connection.executemany('INSERT INTO score (name, guesses) VALUES (?, ?)', [('x' * 100, 5)] * 5000)
    with database.open('r+b') as file:  # ...with a page in the middle overwritten, as a failing disk might
        file.seek(40 * 4096)
        file.write(os.urandom(4096))
    result = run_main('--port', str(free_port()), '--data-dir', str(tmp_path / 'data'), '--database', str(database))
    assert_one_line_error(result, f'cannot use the database {database}')


@pytest.mark.parametrize(('options', 'env', 'expected'), [
    (['--port', 'eighty'], {}, "--port must be a whole number, not 'eighty'"),
    (['--port', '70000'], {}, '--port must be from 1 to 65535'),
    ([], {'HILO_PORT': 'x'}, "HILO_PORT must be a whole number, not 'x'"),
    ([], {'HILO_PORT': '0'}, 'HILO_PORT must be from 1 to 65535, not 0'),
    (['--port', '-1'], {'HILO_PORT': 'x'}, '--port must be from 1 to 65535, not -1'),  # the flag wins
    ([], {'HILO_ECHO_SQL': 'maybe'}, "HILO_ECHO_SQL must be yes or no, not 'maybe'"),
    (['--joins-per-second', 'lots'], {}, "--joins-per-second must be a number, not 'lots'"),
    ([], {'HILO_JOINS_PER_SECOND': '0'}, 'HILO_JOINS_PER_SECOND must be more than 0, not 0'),
    (['--colour'], {}, 'unrecognized arguments: --colour'),
])
def test_bad_option_values_give_one_clear_line(tmp_path: Path, options: list[str], env: dict[str, str],
                                               expected: str) -> None:
    result = run_main('--data-dir', str(tmp_path), *options, env=env)
    assert_one_line_error(result, expected)


def test_help_lists_every_option_with_its_environment_variable() -> None:
    result = run_main('--help')
    assert result.returncode == 0
    for option, variable in [('--host', 'HILO_HOST'), ('--port', 'HILO_PORT'), ('--data-dir', 'HILO_DATA_DIR'),
                             ('--database', 'HILO_DATABASE'), ('--echo-sql', 'HILO_ECHO_SQL'),
                             ('--browser', 'HILO_BROWSER'), ('--database-url', 'HILO_DATABASE_URL'),
                             ('--allowed-origins', 'HILO_ALLOWED_ORIGINS'),
                             ('--joins-per-second', 'HILO_JOINS_PER_SECOND')]:
        assert option in result.stdout
        assert variable in result.stdout
