"""The JSON API over HTTP, against the real server: each route's answer, its errors, and what it never says."""
from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import NOBODY, SECRET, Seeded

ROUTES = {'/api/ranges/{max_number}/scores', '/api/scores', '/api/scores/{score_id}', '/api/ranges', '/api/health'}


def test_the_board_of_a_range_has_the_top_ten_by_default(client: httpx.Client) -> None:
    board = client.get('/api/ranges/100/scores').json()
    assert (board['max_number'], board['par'], board['playing_now']) == (100, 7, 0)
    rows = board['scores']
    assert [row['rank'] for row in rows] == list(range(1, 11))
    assert [(row['name'], row['guesses']) for row in rows] == [(f'P{n}', n + 1) for n in range(10)]
    first = rows[0]
    assert set(first) == {'rank', 'id', 'name', 'max_number', 'guesses', 'par', 'efficiency', 'time_ms',
                          'finished_at', 'replay'}
    assert (first['par'], first['efficiency'], first['replay']) == (7, 7.0, True)
    assert first['finished_at'].endswith(('Z', '+00:00'))


def test_limit_asks_for_fewer_or_more_rows(client: httpx.Client) -> None:
    assert len(client.get('/api/ranges/100/scores', params={'limit': 3}).json()['scores']) == 3
    rows = client.get('/api/ranges/100/scores', params={'limit': 100}).json()['scores']
    assert [row['name'] for row in rows[-2:]] == ['P11', 'Old Timer']
    assert rows[-1]['replay'] is False  # stored before replays existed
    assert client.get('/api/ranges/999999/scores').json()['scores'] == []  # a range nobody won is just empty


@pytest.mark.parametrize(('path', 'where', 'message'), [
    ('/api/ranges/100/scores?limit=0', ['query', 'limit'], 'greater than or equal to 1'),
    ('/api/ranges/100/scores?limit=101', ['query', 'limit'], 'less than or equal to 100'),
    ('/api/ranges/100/scores?limit=ten', ['query', 'limit'], 'valid integer'),
    ('/api/ranges/9/scores', ['path', 'max_number'], 'greater than or equal to 10'),
    ('/api/ranges/1000001/scores', ['path', 'max_number'], 'less than or equal to 1000000'),
    ('/api/ranges/1e3/scores', ['path', 'max_number'], 'valid integer'),
    ('/api/scores?limit=-5', ['query', 'limit'], 'greater than or equal to 1'),
    ('/api/scores/0', ['path', 'score_id'], 'greater than or equal to 1'),
    ('/api/scores/99999999999999999999', ['path', 'score_id'], 'less than or equal to 2147483647'),
    ('/api/scores/seven', ['path', 'score_id'], 'valid integer'),
])
def test_bad_parameters_get_422_saying_which_and_why(client: httpx.Client, path: str, where: list[str],
                                                     message: str) -> None:
    response = client.get(path)
    assert response.status_code == 422
    (problem,) = response.json()['detail']
    assert problem['loc'] == where
    assert message in problem['msg']


def test_one_score_has_its_guesses_answers_and_the_range_left_after_each(client: httpx.Client,
                                                                        seeded: Seeded) -> None:
    score = client.get(f'/api/scores/{seeded.by_misses[3]}').json()
    assert (score['name'], score['guesses'], score['rank'], score['max_number']) == ('P3', 4, 4, 100)
    assert score['replay_url'] == f'/replay/{seeded.by_misses[3]}'
    moves = score['moves']
    assert len(moves) == 4
    assert score['moves_note'] is None
    secret = moves[-1]['guess']
    assert (moves[-1]['answer'], moves[-1]['low'], moves[-1]['high']) == ('correct', secret, secret)
    low, high = 1, 100
    for move in moves[:-1]:  # each answer points at the secret and narrows the range to what is left
        assert move['answer'] == ('higher' if move['guess'] < secret else 'lower')
        assert low <= move['low'] <= secret <= move['high'] <= high
        low, high = move['low'], move['high']


def test_a_score_from_before_replays_says_it_has_no_guesses(client: httpx.Client, seeded: Seeded) -> None:
    score = client.get(f'/api/scores/{seeded.old}').json()
    assert score['moves'] is None
    assert 'before Hi-Lo kept the guesses' in score['moves_note']
    assert (score['name'], score['guesses'], score['rank']) == ('Old Timer', 20, 13)


def test_an_unknown_score_is_404_with_a_reason(client: httpx.Client) -> None:
    response = client.get(f'/api/scores/{NOBODY}')
    assert response.status_code == 404
    assert response.json() == {'detail': f'No score has the id {NOBODY}.'}


def test_the_all_ranges_board_ranks_by_efficiency(client: httpx.Client) -> None:
    rows = client.get('/api/scores', params={'limit': 6}).json()['scores']
    assert [(row['name'], row['max_number']) for row in rows] == \
        [('P0', 100), ('P1', 100), ('Ada', 1000), ('Cy', 37), ('P2', 100), ('P3', 100)]
    assert [row['efficiency'] for row in rows] == [7 / 1, 7 / 2, 10 / 3, 6 / 2, 7 / 3, 7 / 4]


def test_the_ranges_are_the_presets_and_those_with_scores(client: httpx.Client, seeded: Seeded) -> None:
    ranges = {entry['max_number']: entry for entry in client.get('/api/ranges').json()}
    assert list(ranges) == [10, 37, 100, 1000, 1_000_000]
    assert [entry['preset'] for entry in ranges.values()] == [True, False, True, True, True]
    assert ranges[10]['best'] is None
    assert ranges[37]['best']['id'] == seeded.odd
    assert ranges[100]['best']['name'] == 'P0'
    assert (ranges[1000]['best']['id'], ranges[1000]['par']) == (seeded.ada, 10)
    assert all(entry['playing_now'] == 0 for entry in ranges.values())  # no game page is open


def test_the_health_check_says_the_database_answers(client: httpx.Client) -> None:
    response = client.get('/api/health')
    assert response.status_code == 200
    assert response.json() == {'status': 'ok', 'database': 'ok'}


def test_no_answer_holds_the_secret_of_a_round_in_progress(client: httpx.Client, seeded: Seeded) -> None:
    paths = ['/api/ranges', '/api/ranges/1000000/scores?limit=100', '/api/scores?limit=100', '/api/health',
             *(f'/api/scores/{score_id}' for score_id in [*seeded.by_misses, seeded.ada, seeded.odd, seeded.old])]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200
        assert str(SECRET) not in response.text
        assert SECRET not in numbers_in(response.json())
        assert 'player_id' not in response.text  # nor who is who behind the names


def test_any_web_page_may_read_the_answers(client: httpx.Client, seeded: Seeded) -> None:
    for path in ['/api/ranges', '/api/scores', f'/api/scores/{seeded.ada}', f'/api/scores/{NOBODY}']:
        assert client.get(path, headers={'Origin': 'http://example.org'}).headers['access-control-allow-origin'] == '*'


def test_the_docs_list_every_route_of_the_api_and_nothing_else(client: httpx.Client) -> None:
    schema = client.get('/openapi.json').json()
    assert set(schema['paths']) == ROUTES
    assert schema['info']['title'] == 'Hi-Lo API'
    docs = client.get('/docs')
    assert docs.status_code == 200
    assert 'swagger-ui' in docs.text


def numbers_in(value: Any) -> list[Any]:
    """Every number anywhere in a JSON value."""
    if isinstance(value, dict):
        return [number for item in value.values() for number in numbers_in(item)]
    if isinstance(value, list):
        return [number for item in value for number in numbers_in(item)]
    return [value] if isinstance(value, int | float) and not isinstance(value, bool) else []
