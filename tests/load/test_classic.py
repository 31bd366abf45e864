"""The classic reference app the benchmark compares Hi-Lo with: it plays by the same rules, and its players work.

Speed is for the benchmark; these check that the reference is a fair one (bad input refused, one row per player on
the board) and that its simulated players finish games and see each other's scores through polling.
"""
from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
from flask.testing import FlaskClient

import game
from tests.load.classic import app as classic
from tests.load.classic.players import ClassicPlayer
from tests.load.classic.server import ClassicServer
from tests.load.players import Stats


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    """A browser of the classic app, in this process, on a fresh database where every secret is 42."""
    monkeypatch.setattr(game, 'draw_secret', lambda max_number: 42)
    return classic.create_app(tmp_path / 'classic.sqlite3').test_client()


def post(client: FlaskClient, path: str, body: object, status: int = 200) -> dict[str, Any]:
    """POST ``body`` as JSON, check the status and hand back the JSON reply."""
    response = client.post(path, json=body)
    assert response.status_code == status, response.text
    reply = response.get_json()
    assert isinstance(reply, dict)
    return reply


def rows(client: FlaskClient, max_number: int) -> list[tuple[int, str, int, bool]]:
    """The board of a range as this client sees it: (score id, name, guesses, mine) for each row."""
    response = client.get(f'/api/scores?max_number={max_number}')
    assert response.status_code == 200
    return [(row['id'], row['name'], row['guesses'], row['mine']) for row in (response.get_json() or {})['rows']]


def stored_guesses(client: FlaskClient) -> list[int]:
    """The guesses the database holds for this client's round."""
    with client.session_transaction() as session:
        player_id = session['player']['id']
    with client.application.app_context():
        row = classic.db.get(classic.Round, player_id)
        return [] if row is None else list(row.guesses)


@pytest.mark.parametrize('body', [
    {'name': '', 'max_number': '100'}, {'name': '   ', 'max_number': '100'}, {'name': 'x' * 25, 'max_number': '100'},
    {'name': 'Bo\nb', 'max_number': '100'}, {'name': 'Bob', 'max_number': '9'}, {'name': 'Bob', 'max_number': '2.5'},
    {'name': 'Bob', 'max_number': 'lots'}, {'name': 'Bob'}, {}, ['Bob', '100'],
])
def test_a_bad_join_gets_422_with_a_message_and_changes_nothing(client: FlaskClient, body: object) -> None:
    assert post(client, '/api/join', {'name': ' Ann ', 'max_number': '100'}) == \
        {'name': 'Ann', 'max_number': 100, 'par': 7}
    assert post(client, '/api/join', body, status=422)['error']
    with client.session_transaction() as session:
        assert session['player']['name'] == 'Ann'
        assert session['player']['max_number'] == 100


def test_bad_guesses_get_422_with_a_message_and_are_not_counted(client: FlaskClient) -> None:
    assert post(client, '/api/guess', {'guess': '50'}, status=401)['error']  # not joined yet
    post(client, '/api/join', {'name': 'Ann', 'max_number': '100'})
    assert post(client, '/api/guess', {'guess': '50'}) == {'answer': 'lower', 'guesses': 1, 'possible': [1, 49]}
    for guess in ['', ' ', 'abc', '2.5', '1e3', '0', '101', '-5', '50', None, 50]:
        assert post(client, '/api/guess', {'guess': guess}, status=422)['error']
    assert client.post('/api/guess', data='50').status_code == 422  # not JSON at all
    assert stored_guesses(client) == [50]
    assert post(client, '/api/guess', {'guess': '25'}) == {'answer': 'higher', 'guesses': 2, 'possible': [26, 49]}
    assert stored_guesses(client) == [50, 25]


def test_a_win_is_a_score_and_the_board_keeps_each_players_best(client: FlaskClient) -> None:
    post(client, '/api/join', {'name': 'Ann', 'max_number': '100'})
    for guess in ['50', '25', '42']:
        reply = post(client, '/api/guess', {'guess': guess})
    assert (reply['answer'], reply['guesses'], reply['par'], reply['secret']) == ('correct', 3, 7, 42)
    best = reply['score_id']
    assert post(client, '/api/guess', {'guess': '10'})['guesses'] == 1  # the next guess starts a new round
    assert post(client, '/api/new-round', {})['guesses'] == 1  # a round in progress is kept
    for guess in ['20', '30', '42']:
        reply = post(client, '/api/guess', {'guess': guess})
    assert (reply['answer'], reply['guesses']) == ('correct', 4)
    assert post(client, '/api/new-round', {})['guesses'] == 0  # after a win, a new one

    other = client.application.test_client()
    post(other, '/api/join', {'name': 'Bob', 'max_number': '100'})
    bob = post(other, '/api/guess', {'guess': '42'})['score_id']
    assert rows(other, 100) == [(bob, 'Bob', 1, True), (best, 'Ann', 3, False)]  # Ann's 4 guesses do not show
    assert rows(client, 100) == [(bob, 'Bob', 1, False), (best, 'Ann', 3, True)]
    assert rows(other, 1000) == []
    assert other.get('/api/scores?max_number=5').status_code == 422


@pytest.mark.skipif(sys.platform == 'win32', reason='gunicorn runs on Unix only')
async def test_classic_players_finish_games_and_see_each_others_scores_by_polling(tmp_path: Path) -> None:
    stats = Stats()
    with ClassicServer(tmp_path / 'classic') as server:
        assert server.process is not None
        assert server.worker_pid is not None
        assert psutil.Process(server.worker_pid).ppid() == server.process.pid
        until = time.monotonic() + 4
        await asyncio.gather(*(ClassicPlayer(number, url=server.url, max_number=10, rate=4, stats=stats).run(until)
                               for number in range(4)))
        assert server.stop() == 0
    assert stats.errors == []
    assert stats.connected == 4
    assert len(stats.wins) > 0
    assert len(stats.win_sent_at) == len(stats.wins)
    assert len(stats.round_trips) >= len(stats.wins)
    assert all(0 < trip < 5 for _, trip in stats.round_trips)
    seen = [score_id for score_id in stats.win_sent_at if score_id in stats.shown_at]
    assert seen  # other players' polls showed new scores...
    assert all(min(stats.shown_at[score_id]) > stats.win_sent_at[score_id] for score_id in seen)  # ...after the win
    assert set(stats.shown_at) <= set(stats.win_sent_at)
