"""Live boards: one player's win appears on every other open page of that range, without any action there."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from nicegui import ui
from nicegui.testing import User

from tests.wins import win_round

from .players import element, play_to_win, sign_in


async def test_player_b_sees_player_a_win_without_doing_anything(create_user: Callable[[], User]) -> None:
    ann, bob = create_user(), create_user()
    await sign_in(bob, name='Bob', max_number=100)
    await bob.open('/')  # Bob waits on the welcome page, which shows the 1–100 board too
    await bob.should_see(marker='scores')  # (the board is shown once it is read)
    bob_table = element(bob, 'scores', ui.table)
    assert list(bob_table.rows) == []

    await sign_in(ann, name='Ann', max_number=100)
    count = await play_to_win(ann)

    assert element(bob, 'scores', ui.table) is bob_table  # updated in place, not rebuilt
    assert [(row['name'], row['guesses'], row['mine']) for row in bob_table.rows] == [('Ann', count, False)]
    await bob.should_see(f'Ann won 1–100 in {count} guesses')
    await ann.should_not_see('Ann won')  # the winner gets the result panel, not a notice


async def test_other_ranges_are_left_alone(create_user: Callable[[], User]) -> None:
    ann, bob = create_user(), create_user()
    await sign_in(bob, name='Bob', max_number=1000)
    await sign_in(ann, name='Ann', max_number=100)
    await play_to_win(ann)
    assert list(element(bob, 'scores', ui.table).rows) == []
    await bob.should_not_see('Ann won')


async def test_a_win_outside_the_top_ten_changes_no_table(create_user: Callable[[], User]) -> None:
    ann, bob = create_user(), create_user()
    await sign_in(bob, name='Bob', max_number=10)
    for player in range(10):  # ten one-guess wins that nobody can beat
        await win_round(player_id=f'ace{player}', name=f'Ace {player}', max_number=10)
    await bob.open('/play')
    await bob.should_see(marker='scores')  # the game view is built once its round is read
    rows_before = [dict(row) for row in element(bob, 'scores', ui.table).rows]
    assert len(rows_before) == 10

    await sign_in(ann, name='Ann', max_number=10)
    await play_to_win(ann, 10)

    await ann.should_see('A personal best: #11 on the 1–10 board.')
    await ann.should_see('Your best: #11')
    assert [dict(row) for row in element(bob, 'scores', ui.table).rows] == rows_before
    await bob.should_not_see('Ann won')


async def test_a_player_pushed_out_of_the_top_ten_learns_their_new_rank(create_user: Callable[[], User],
                                                                      app_options: Path) -> None:
    ann, bob = create_user(), create_user()
    await sign_in(bob, name='Bob', max_number=100)
    bob_id = player_of_open_round(app_options)
    await win_round(player_id=bob_id, name='Bob', misses=11)  # a 12-guess win: in the top 10 for now
    for player in range(9):
        await win_round(player_id=f'ace{player}', name=f'Ace {player}')
    await bob.open('/play')
    await bob.should_see(marker='scores')  # the game view is built once its round is read
    assert [row['mine'] for row in element(bob, 'scores', ui.table).rows] == [False] * 9 + [True]
    await bob.should_not_see(marker='your-best')

    await sign_in(ann, name='Ann', max_number=100)
    count = await play_to_win(ann)  # binary search needs at most 7 guesses: better than Bob's 12

    rows = element(bob, 'scores', ui.table).rows
    assert rows[-1]['name'] == 'Ann'  # behind the nine 1-guess wins (equal guesses go to the faster), ahead of Bob
    assert count < 12
    assert not any(row['mine'] for row in rows)
    await bob.should_see('Your best: #11 (12 guesses')


def player_of_open_round(data_dir: Path) -> str:
    """The id of the only player with a round in progress, read from the database file."""
    with sqlite3.connect(data_dir / 'hilo.sqlite3') as connection:
        (player_id,), = connection.execute('SELECT player_id FROM active_round').fetchall()
    return str(player_id)
