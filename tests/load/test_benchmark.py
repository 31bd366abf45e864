"""The benchmark's own arithmetic: several runs of a scenario reported as one (``--repeat``), and its report."""
from __future__ import annotations

from typing import Any

import pytest

from tests.load import report
from tests.load.benchmark import median


def test_each_number_is_the_median_of_the_same_figure_in_every_run() -> None:
    runs = [{'design': 'hilo', 'players': 300, 'round_trip_ms': {'p50': 1.0, 'p99': 29.0}, 'errors': 0},
            {'design': 'hilo', 'players': 300, 'round_trip_ms': {'p50': 1.4, 'p99': 8.5}, 'errors': 2},
            {'design': 'hilo', 'players': 300, 'round_trip_ms': {'p50': 1.2, 'p99': 11.3}, 'errors': 1}]
    assert median(runs) == {'design': 'hilo', 'players': 300, 'round_trip_ms': {'p50': 1.2, 'p99': 11.3}, 'errors': 1}


def test_a_sweep_is_matched_run_by_run_and_whole_numbers_stay_whole() -> None:
    first = [{'players': 100, 'guesses': 84}, {'players': 300, 'guesses': 259}]
    second = [{'players': 100, 'guesses': 85}, {'players': 300, 'guesses': 250}]
    assert median([first, second]) == [{'players': 100, 'guesses': 84}, {'players': 300, 'guesses': 254}]


def test_what_is_missing_or_not_a_number_in_some_run_comes_from_the_first() -> None:
    assert median([{'p99': None}, {'p99': 3.0}]) == {'p99': None}
    assert median([{'samples': [1, 2]}, {'samples': [3]}]) == {'samples': [1, 2]}
    assert median([{'a': 1}, {'b': 2}]) == {'a': 1}


def _busy_run(design: str, guesses_per_second: float) -> dict[str, Any]:
    return {'design': design, 'players': 300, 'rate': 4.0, 'connected': 300, 'guesses_per_second': guesses_per_second,
            'round_trip_ms': {'p50': 1.5, 'p95': 10.0, 'p99': 24.0}, 'broadcast_ms': {'p50': 0.0, 'p99': 0.0},
            'broadcasts': 0, 'server_cpu_percent': 74.0, 'server_cpu_ms_per_guess': 0.74, 'server_rss_mb': 186.0,
            'server_rss_per_player_kb': 246.0, 'errors': 0}


MACHINE = {'date': '2026-11-23', 'cpus': 2, 'cpu': 'x86_64', 'memory_gb': 24, 'python': '3.11.7', 'system': 'Linux'}


@pytest.mark.parametrize(('classic', 'met'), [(169.0, 'yes'), (600.0, 'no')])
def test_busy_players_are_reported_side_by_side_and_against_twice_the_classic_rate(classic: float, met: str) -> None:
    text = report.markdown({'machine': MACHINE, 'busy': [_busy_run('hilo', 1008.0), _busy_run('classic', classic)]})
    assert '300 players guessing as often as the server answers them (a guess 0.25 s after each answer' in text
    assert '| Hi-Lo | 300 | 1008 | 1.5 / 10.0 / 24.0 |' in text
    assert f'| classic | 300 | {classic:.0f} |' in text
    ratio = 1008 / classic
    assert (f"| At least twice the classic design's guesses a second (300 players guessing as often as they are "
            f'answered) | 1008 against {classic:.0f} ({ratio:.1f}×) | {met} |') in text


def _overload_run(arrived_per_second: float) -> dict[str, Any]:
    newcomers = {'players': 480, 'connected': 480, 'waited': 400, 'wait_ms': {'p50': 4000.0, 'p95': 9000.0},
                 'errors': 0}
    return {'admitted_per_second': 20, 'arriving_per_second': 40, 'arriving_for': 12.0,
            'arrived_per_second': arrived_per_second, 'players_already_in': {'round_trip_ms': {'p99': 90.0}},
            'newcomers': newcomers, 'all_in_after_arrivals_ended_s': 15.0}


@pytest.mark.parametrize(('arrived', 'met'), [(39.6, 'yes'), (30.0, 'no')])
def test_past_capacity_is_met_only_if_the_newcomers_came_at_twice_the_capacity(arrived: float, met: str) -> None:
    text = report.markdown({'machine': MACHINE, 'overload': _overload_run(arrived)})
    assert (f'| Past capacity (40 arriving a second, 20 let in): players in keep p99 < 100 ms, newcomers wait in '
            f'order, nobody sees an error | players in: p99 90 ms; newcomers (came at {arrived:.0f} a second): 480 of '
            f'480 in, 400 waited (p95 9000 ms), 0 errors, all in 15.0 s after arrivals ended | {met} |') in text
