"""A short load run in the test suite: a few simulated players against the real server, for a few seconds.

It checks that the load generator and the server work together (games finish, broadcasts arrive, nothing fails),
not how fast they are: speed is for ``python -m tests.load.benchmark``, which prints figures instead of asserting.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tests.server import Server

from . import loadgen, scenarios
from .players import Player, Stats


async def test_a_short_load_run_finishes_games_and_delivers_broadcasts(tmp_path: Path) -> None:
    with Server(tmp_path / 'data') as server:
        assert server.process is not None
        measured = await loadgen.run(url=server.url, cohorts=[loadgen.Cohort(4, rate=4, ramp=1, max_number=10)],
                                     window=(2, 6), server_pid=server.process.pid, progress=False)
        figures = measured.figures()
    assert figures.errors == 0, figures.first_errors
    assert figures.connected == 4
    assert figures.guesses_per_second > 0
    assert figures.wins > 0
    # Other players' pages showed the new rows of top-10 wins. Counted from the start: on a board of four players'
    # bests, a later win is news only if it beats its player's best, which a few seconds may not bring; every
    # player's first win is.
    from_the_start = measured.figures(window=(measured.window[0] - 2, measured.window[1]))
    assert from_the_start.broadcasts > 0
    assert figures.server_rss_mb > 0
    assert len(measured.merged().joins) == 4  # each player's arrival was timed
    assert figures.join_ms['p50'] > 0


def test_first_visits_count_the_page_and_every_file_it_asks_for(tmp_path: Path) -> None:
    figures = scenarios.first_visits(tmp_path, duration=0, visitors=3)

    assert figures['requests_per_visit'] >= 10  # the page, Vue, Quasar, Tailwind, Socket.IO, nicegui.js, components
    assert figures['kb_per_visit'] > 200  # compressed, but the libraries are big
    assert figures['server_cpu_ms_per_visit'] > 0


def test_a_cohort_apart_has_a_generator_process_of_its_own() -> None:
    crowd, probe = loadgen.Cohort(5), loadgen.Cohort(3, apart=True)

    plans = loadgen.plan([crowd, probe], 2)

    assert len(plans) == 3
    assert [numbers for _, numbers in plans[0]] == [[0, 2, 4], []]  # the crowd dealt out to the two processes
    assert [numbers for _, numbers in plans[1]] == [[1, 3], []]
    assert [numbers for _, numbers in plans[2]] == [[], [0, 1, 2]]  # and the probe alone in a third


def test_only_a_process_whose_players_all_yield_runs_at_the_lowest_priority() -> None:
    crowd, newcomers = loadgen.Cohort(4), loadgen.Cohort(4, yielding=True)

    assert loadgen.yields([(newcomers, [0, 1])])
    assert not loadgen.yields([(crowd, [0, 1]), (newcomers, [2, 3])])  # the crowd's measures would wait too
    assert loadgen.yields([(crowd, []), (newcomers, [2, 3])])  # a cohort with nobody here does not count
    assert not loadgen.yields([(crowd, []), (newcomers, [])])  # nobody at all


def test_a_generator_process_whose_players_all_yield_runs_at_the_lowest_priority() -> None:
    now = time.monotonic()
    nobody_listens = 'http://127.0.0.1:1'  # (the players fail at once: only the process's priority matters here)
    for cohort, priority in ((loadgen.Cohort(1, yielding=True), 19), (loadgen.Cohort(1), os.nice(0))):
        with ProcessPoolExecutor(1) as pool:  # one process, which runs both calls
            pool.submit(loadgen._work, nobody_listens, [(cohort, [0])], now, now).result()
            assert pool.submit(os.nice, 0).result() == priority


def test_a_win_is_timed_from_its_guess_when_its_row_comes_after_the_answer() -> None:
    stats = Stats()
    player = Player(1, url='http://127.0.0.1:1', max_number=100, rate=1, stats=stats)
    player.table_id, player.feedback_id = '7', '9'
    player.sent_at = 100.0  # the winning guess

    player._on_update(None, {'9': {'text': '50 is correct'}})  # type: ignore[arg-type]  # (no page needed)
    # The board's new row in a later message: the news reaches the boards in turns, the winner's own too.
    player._on_update(None, {'7': {'props': {'rows': [{'id': 5, 'mine': True}]}}})  # type: ignore[arg-type]

    assert stats.round_trips[0][0] == 100.0
    assert stats.win_sent_at == {5: 100.0}  # not the moment the row came
