"""The scores view: the board of any range and the all-ranges board, both live, with the player's own rows marked."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from nicegui import ui
from nicegui.testing import User

from tests.wins import store_score, win_round

from .players import element, play_to_win, should_see_board, sign_in
from .test_live import player_of_open_round


async def test_the_header_leads_to_the_scores(user: User) -> None:
    await user.open('/')
    (header,) = [html for html in user.find(kind=ui.html).elements if 'hilo-brand' in html.content]
    assert '<a class="hilo-header-link" href="/scores">Scores</a>' in header.content
    user.navigate.to('/scores')  # what a click on that link does: ui.sub_pages catches it and switches the view
    await user.should_see('All ranges')
    await should_see_board(user, 'High scores · 1–100')


async def test_any_range_with_scores_can_be_chosen(user: User) -> None:
    await win_round(player_id='cy', name='Cy', max_number=37, misses=1)
    await win_round(player_id='ada', name='Ada', max_number=100, misses=2)
    await open_scores(user)
    picker = element(user, 'range', ui.select)
    assert list(picker.options) == [10, 37, 100, 1000, 1_000_000]  # the presets and every range with scores
    assert [row['name'] for row in element(user, 'scores', ui.table).rows] == ['Ada']

    picker.value = 37
    await should_see_board(user, 'High scores · 1–37')
    table = element(user, 'scores', ui.table)
    await until(lambda: [row['name'] for row in table.rows] == ['Cy'])  # the board reads the range once chosen


async def test_the_all_ranges_board_ranks_each_players_best_by_efficiency(user: User) -> None:
    await win_round(player_id='ada', name='Ada', max_number=100, misses=6)  # 7 at par 7: 1.00
    await win_round(player_id='ada', name='Ada', max_number=1000, misses=3)  # 4 at par 10: 2.50, her best
    await win_round(player_id='bob', name='Bob', max_number=10, misses=1)  # 2 at par 4: 2.00
    await store_score(player_id='old', name='Old', guesses=1, time_ms=5)  # no efficiency stored: not on it
    await open_scores(user)
    rows = element(user, 'all-ranges', ui.table).rows
    assert [(row['rank'], row['name'], row['range'], row['efficiency']) for row in rows] == \
        [(1, 'Ada', '1–1,000', '2.50'), (2, 'Bob', '1–10', '2.00')]
    assert all(row['replay'] for row in rows)  # each name links to its replay


async def test_both_boards_follow_a_win_live_and_mark_the_players_own_row(create_user: Callable[[], User],
                                                                        app_options: Path) -> None:
    ann, bob = create_user(), create_user()
    await sign_in(bob, name='Bob', max_number=1000)
    bob_id = player_of_open_round(app_options)
    await win_round(player_id=bob_id, name='Bob', max_number=1000, misses=10)  # 11 at par 10: 0.91
    await open_scores(bob)
    all_ranges = element(bob, 'all-ranges', ui.table)
    assert [(row['name'], row['mine']) for row in all_ranges.rows] == [('Bob (you)', True)]
    picker = element(bob, 'range', ui.select)
    picker.value = 10
    await should_see_board(bob, 'High scores · 1–10')

    await sign_in(ann, name='Ann', max_number=10)
    count = await play_to_win(ann, 10)  # at most 4 guesses at par 4: 1.00 or better

    assert element(bob, 'all-ranges', ui.table) is all_ranges  # updated in place, not rebuilt
    assert [(row['name'], row['guesses'], row['mine']) for row in all_ranges.rows] == \
        [('Ann', count, False), ('Bob (you)', 11, True)]
    assert [row['name'] for row in element(bob, 'scores', ui.table).rows] == ['Ann']
    await bob.should_see(f'Ann won 1–10 in {count} guess')


async def test_the_first_win_of_a_new_range_adds_it_to_the_choice(create_user: Callable[[], User]) -> None:
    ann, bob = create_user(), create_user()
    await open_scores(bob)
    assert 37 not in element(bob, 'range', ui.select).options
    await sign_in(ann, name='Ann', max_number=37)
    await play_to_win(ann, 37)
    assert 37 in element(bob, 'range', ui.select).options


async def open_scores(user: User) -> None:
    """Open the scores view and wait until it is built (it reads the boards first)."""
    await user.open('/scores')
    await user.should_see(marker='all-ranges')


async def until(condition: Callable[[], bool]) -> None:
    """Wait for something the server does in the background, for at most two seconds."""
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError('it did not happen within two seconds')
