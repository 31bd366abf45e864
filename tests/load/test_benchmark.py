"""The benchmark's own arithmetic: several runs of a scenario reported as one (``--repeat``)."""
from __future__ import annotations

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
