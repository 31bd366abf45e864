"""Two and more real browsers at once: live boards, and names that look like HTML."""
from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from playwright.sync_api import Page, expect

from tests.server import Server

from .conftest import PageMaker
from .players import board_rows, guess, open_page, play_to_win, sign_in


def test_b_sees_a_win_appear_without_reloading(new_page: PageMaker) -> None:
    ann, bob = new_page(), new_page(height=560)
    sign_in(bob, name='Bob', max_number=100)
    guess(bob, '0')  # Bob is playing too: a guess that is refused, so that he never wins and never tops the board
    bob.evaluate('window.stillTheSamePage = 42')  # a page load would wipe this out
    expect(bob.get_by_text('No scores yet. Be the first!')).to_be_visible()

    sign_in(ann, name='Ann', max_number=100)
    count = play_to_win(ann)

    expect(board_rows(bob).first).to_contain_text('Ann', timeout=2000)  # the spec's target is "within a second"
    expect(board_rows(bob).first).to_contain_text(str(count))
    expect(bob.get_by_text(f'Ann won 1–100 in {count} guess')).to_be_visible()
    assert bob.evaluate('window.stillTheSamePage') == 42


# Names are at most 24 characters, so the longer classics are stored straight into the database to show that the
# board prints any text literally, while the shorter ones go through the welcome form like any player's name.
TYPED_NAMES = ['<b>x</b>', '<svg onload=alert(1)>', '"><script>alert(1)//', "'; alert(2); '"]
STORED_NAMES = ['<img src=x onerror=alert(1)>', '"><script>alert(3)</script>', '{{ 7 * 7 }} ${alert(4)}']


def test_names_that_look_like_html_are_shown_literally_and_run_nothing(server: Server, new_page: PageMaker) -> None:
    store_scores(server, STORED_NAMES)
    for name in TYPED_NAMES:
        player = new_page()
        sign_in(player, name=name, max_number=100)
        play_to_win(player)
    viewer = new_page()
    open_page(viewer, '/')

    expect(board_rows(viewer)).to_have_count(len(TYPED_NAMES + STORED_NAMES))
    cells = viewer.locator('.q-table tbody td.hilo-name .hilo-player').all_inner_texts()  # without '(no replay)'
    assert sorted(cell.strip() for cell in cells) == sorted(TYPED_NAMES + STORED_NAMES)
    assert viewer.locator('.q-table tbody').locator('b, img, svg, script').count() == 0
    expect(viewer.get_by_text('Guess the number')).to_be_visible()
    assert new_page.dialogs == []

    name_box = viewer.get_by_label('Your name')
    name_box.fill('')
    name_box.press_sequentially('<img src=x onerror=alert(1)>')  # 28 characters: the box stops at 24
    expect(name_box).to_have_value('<img src=x onerror=alert(1)>'[:24])
    expect(viewer.get_by_text('24 / 24')).to_be_visible()
    assert new_page.dialogs == []


def store_scores(server: Server, names: list[str]) -> None:
    """Put one score per name on the 1–100 board, as if they had won long ago (with 50 guesses each)."""
    with sqlite3.connect(server.data_dir / 'hilo.sqlite3') as connection:
        connection.executemany(
            'INSERT INTO score (player_id, name, max_number, guesses, time_ms, finished_at, is_best) '
            'VALUES (?, ?, 100, 50, ?, ?, TRUE)',
            [(f'stored-{index}', name, 1000 * index, datetime.now(UTC).isoformat(' '))
             for index, name in enumerate(names)])


def test_the_board_keeps_the_top_ten_in_order_for_everyone(new_page: PageMaker) -> None:
    watcher = new_page()
    open_page(watcher, '/')
    players = [new_page() for _ in range(3)]
    counts = []
    for number, player in enumerate(players):
        sign_in(player, name=f'P{number}', max_number=100)
        counts.append(play_to_win(player))
    expect(board_rows(watcher)).to_have_count(3)
    shown = [int(cell) for cell in watcher.locator('.q-table tbody tr td:nth-child(3)').all_inner_texts()]
    assert shown == sorted(counts)


def test_a_page_of_another_range_does_not_change(new_page: PageMaker) -> None:
    other: Page = new_page()
    sign_in(other, name='Other', max_number=1000)
    player = new_page()
    sign_in(player, name='Ann', max_number=100)
    play_to_win(player)
    player.wait_for_timeout(500)
    expect(other.get_by_text('No scores yet. Be the first!')).to_be_visible()
    expect(other.get_by_text('Ann won')).to_have_count(0)
