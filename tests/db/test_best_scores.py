"""One board row per player (their best), the guesses kept for replays, and the next round dealt with the win."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

import db
from db.engine import run
from db.models import ACTIVE_ROUND_TABLE
from tests.wins import win_round


async def test_a_player_has_one_row_on_the_board_their_best(database: Path | str) -> None:
    first = await win_round(player_id='ada', name='Ada', misses=4)
    better = await win_round(player_id='ada', name='Ada', misses=1)
    worse = await win_round(player_id='ada', name='Ada', misses=6)
    await win_round(player_id='bob', name='Bob', misses=3)

    board = await db.top_ten(max_number=100)

    assert [(score.name, score.guesses) for score in board] == [('Ada', 2), ('Bob', 4)]
    assert (first.personal_best, better.personal_best, worse.personal_best) == (True, True, False)
    assert board[0].id == better.score.id


async def test_a_win_that_is_not_a_personal_best_changes_no_board(database: Path | str) -> None:
    await win_round(player_id='ada', name='Ada', misses=1)
    worse = await win_round(player_id='ada', name='Ada', misses=5)
    assert worse.top_ten is None
    assert worse.rank is None  # nothing to rank: Ada's best stands where it was
    standing = (await db.board(max_number=100, player_id='ada')).best
    assert standing is not None
    assert standing.score.guesses == 2


async def test_with_equal_guesses_the_faster_time_is_the_best(database: Path | str) -> None:
    earlier = await win_round(player_id='ada', name='Ada', misses=2, seconds=20)
    slower = await win_round(player_id='ada', name='Ada', misses=2, seconds=30)
    faster = await win_round(player_id='ada', name='Ada', misses=2, seconds=10)
    assert (earlier.personal_best, slower.personal_best, faster.personal_best) == (True, False, True)
    assert [score.id for score in await db.top_ten(max_number=100)] == [faster.score.id]


async def test_ranks_count_players_not_scores(database: Path | str) -> None:
    for _ in range(3):
        await win_round(player_id='ada', name='Ada', misses=0)  # three 1-guess wins by one player
    bob = await win_round(player_id='bob', name='Bob', misses=1)
    assert bob.rank == 2
    assert bob.top_ten is not None
    assert [score.name for score in bob.top_ten] == ['Ada', 'Bob']


async def test_a_win_keeps_its_guesses_in_order(database: Path | str) -> None:
    win = await win_round(player_id='ada', name='Ada', misses=3)
    assert win.score.moves_list is not None
    assert len(win.score.moves_list) == 4
    assert win.score.moves_list[-1] not in win.score.moves_list[:-1]  # the secret comes last, once
    (stored,) = await db.top_ten(max_number=100)
    assert stored.moves_list == win.score.moves_list


async def test_the_time_runs_from_the_first_guess_not_from_the_deal(database: Path | str) -> None:
    active = await db.resume_or_start_round(player_id='ada', max_number=100)
    assert active.id is not None
    # The round was dealt an hour ago, and the player read the page meanwhile.
    await run(lambda connection: connection.execute(
        update(ACTIVE_ROUND_TABLE).where(ACTIVE_ROUND_TABLE.c.id == active.id)
        .values(started_at=active.started_at - timedelta(hours=1))))
    wrong = 1 if active.secret != 1 else 2
    assert await db.save_guesses(round_id=active.id, before=[], after=[wrong],
                                 answered_at=db.utc_now() - timedelta(seconds=3))
    win = await db.record_win(round_id=active.id, player_id='ada', name='Ada', guesses=[wrong, active.secret])
    assert win is not None
    assert 3_000 <= win.score.time_ms < 4_000


async def test_a_first_guess_win_takes_no_time(database: Path | str) -> None:
    active = await db.resume_or_start_round(player_id='ada', max_number=10)
    assert active.id is not None
    win = await db.record_win(round_id=active.id, player_id='ada', name='Ada', guesses=[active.secret])
    assert win is not None
    assert win.score.time_ms == 0


async def test_the_next_round_is_dealt_with_the_win(database: Path | str) -> None:
    win = await win_round(player_id='ada', name='Ada', max_number=1000, misses=2)
    resumed = await db.resume_or_start_round(player_id='ada', max_number=1000)
    assert resumed.id == win.next_round.id
    assert resumed.secret == win.next_round.secret
    assert resumed.to_game().guesses == []
    assert resumed.first_guess_at is None  # its clock has not started
