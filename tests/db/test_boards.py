"""The reads behind the scores page, the replays and the JSON API, on a real SQLite file."""
from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import db
from tests.wins import store_score, win_round

ROOT = Path(__file__).resolve().parents[2]


async def test_a_board_can_be_longer_or_shorter_than_ten(database: Path) -> None:
    for misses in range(12):
        await win_round(player_id=f'p{misses}', name=f'n{misses}', misses=misses)
    assert [score.guesses for score in await db.top_scores(max_number=100, limit=3)] == [1, 2, 3]
    assert [score.guesses for score in await db.top_scores(max_number=100, limit=100)] == list(range(1, 13))
    assert await db.top_scores(max_number=1000, limit=10) == []


async def test_the_all_ranges_board_ranks_each_players_best_by_efficiency_then_time(database: Path) -> None:
    await win_round(player_id='ada', name='Ada', max_number=100, misses=6)  # 7 guesses at par 7: 1.0
    ada = await win_round(player_id='ada', name='Ada', max_number=1000, misses=1)  # 2 at par 10: 5.0
    bob = await win_round(player_id='bob', name='Bob', max_number=10, misses=1, seconds=9)  # 2 at par 4: 2.0
    cy = await win_round(player_id='cy', name='Cy', max_number=100, misses=2, seconds=5)  # 3 at par 7: 2.33
    dan = await win_round(player_id='dan', name='Dan', max_number=10, misses=1, seconds=3)  # 2.0 as Bob's, faster

    board = await db.top_overall(limit=10)

    assert [score.id for score in board] == [ada.score.id, cy.score.id, dan.score.id, bob.score.id]
    assert board[0].efficiency == 5.0
    assert [score.id for score in await db.top_overall(limit=2)] == [ada.score.id, cy.score.id]


async def test_a_worse_win_in_another_range_leaves_the_all_ranges_board_alone(database: Path) -> None:
    best = await win_round(player_id='ada', name='Ada', max_number=10, misses=0)  # 1 guess at par 4: 4.0
    other = await win_round(player_id='ada', name='Ada', max_number=100, misses=2)  # a range best, but 2.33
    assert other.personal_best
    assert [score.id for score in await db.top_overall(limit=10)] == [best.score.id]


async def test_the_all_ranges_board_is_one_indexed_query(sqlite_database: Path) -> None:
    with sqlite3.connect(sqlite_database) as connection:
        plan = connection.execute('EXPLAIN QUERY PLAN SELECT * FROM score WHERE is_best_overall = 1 '
                                  'ORDER BY efficiency DESC, time_ms, id LIMIT 10').fetchall()
    details = ' '.join(row[-1] for row in plan)
    assert 'USING INDEX ix_score_overall' in details
    assert 'TEMP B-TREE' not in details


async def test_each_range_with_scores_comes_with_its_best(database: Path) -> None:
    assert await db.range_bests() == []
    await win_round(player_id='ada', name='Ada', max_number=1000, misses=3)
    bob = await win_round(player_id='bob', name='Bob', max_number=1000, misses=1)
    cy = await win_round(player_id='cy', name='Cy', max_number=37, misses=2)
    odd = await store_score(player_id='dan', name='Dan', guesses=5, time_ms=100, max_number=999_999)

    bests = await db.range_bests()

    assert [(score.max_number, score.id) for score in bests] == [(37, cy.score.id), (1000, bob.score.id),
                                                                 (999_999, odd.id)]


async def test_one_score_with_its_rank_when_it_is_a_best(database: Path) -> None:
    await win_round(player_id='ada', name='Ada', misses=0)
    best = await win_round(player_id='bob', name='Bob', misses=2)
    worse = await win_round(player_id='bob', name='Bob', misses=5)
    assert best.score.id is not None
    assert worse.score.id is not None

    found = await db.find_score(score_id=best.score.id)
    assert found is not None
    assert (found.score.name, found.rank, found.score.moves_list) == ('Bob', 2, best.score.moves_list)
    found = await db.find_score(score_id=worse.score.id)
    assert found is not None
    assert found.rank is None  # not Bob's best: it is on no board
    assert await db.find_score(score_id=999) is None


async def test_the_health_check_asks_the_database(database: Path) -> None:
    assert await db.answers()


async def test_a_board_can_be_the_first_read_of_a_new_process(database: Path) -> None:
    # Rows read for boards skip the usual constructor; in a fresh process (a restarted server), nothing else may
    # have been made yet when the first board is read.
    stored = await store_score(player_id='ada', name='Ada', guesses=3, time_ms=5)
    script = ('import asyncio, sys, pathlib, db\n'
              'async def main():\n'
              "    db.start(sys.argv[1] if '://' in sys.argv[1] else pathlib.Path(sys.argv[1]))\n"
              '    print([score.id for score in await db.top_ten(max_number=100)])\n'
              '    await db.stop()\n'
              'asyncio.run(main())\n')
    process = await asyncio.create_subprocess_exec(sys.executable, '-c', script, str(database), cwd=ROOT,
                                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert out.decode().strip() == f'[{stored.id}]', err.decode()
