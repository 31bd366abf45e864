"""The game page, driven by NiceGUI's simulated user, on a real SQLite file."""
from __future__ import annotations

import json
import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from nicegui import ui
from nicegui.testing import User

import db
import game
from tests.wins import win_round
from ui import game_panel
from ui.game_panel import GamePanel

from .players import element, guess, label, play_to_win, progress, result, sign_in


async def stored_round(data_dir: Path) -> tuple[int, str]:
    """The secret and stored guesses of the only round in progress, read straight from the database file."""
    await db.written()  # guesses are stored a few milliseconds after they are answered
    with sqlite3.connect(data_dir / 'hilo.sqlite3') as connection:
        (secret, guesses), = connection.execute('SELECT secret, guesses FROM active_round').fetchall()
    return secret, guesses


async def test_a_whole_game_from_the_welcome_page_to_the_win(user: User) -> None:
    await sign_in(user, name='Ann', max_number=100)
    await user.should_see('Type a guess and press Enter.')

    count = await play_to_win(user)

    assert count <= game.par(100)
    assert re.fullmatch(rf'[\d,]+ is correct: you got it in {count} guess(es)?!', label(user, 'feedback').text)
    await user.should_see('Par is 7')
    await user.should_see('A new #1 on the 1–100 board, and a personal best!')
    box = element(user, 'guess-box', ui.input)  # it stays, for the next round: Enter starts it
    assert (box.props['label'], box.props['readonly']) == ('Press Enter to play again', True)
    rows = element(user, 'scores', ui.table).rows
    assert [(row['rank'], row['name'], row['guesses'], row['mine']) for row in rows] == [(1, 'Ann (you)', count, True)]


async def test_each_guess_shows_count_remaining_range_and_history(user: User, app_options: Path) -> None:
    await sign_in(user, name='Ann', max_number=1000)
    secret, _ = await stored_round(app_options)
    first = 500 if secret != 500 else 501
    said = await guess(user, str(first))

    assert said == f'{first} is too {"low" if first < secret else "high"}: ' \
                   f'the number is {"higher" if first < secret else "lower"}.'
    low, high = (first + 1, 1000) if first < secret else (1, first - 1)
    assert progress(user)[:2] == ['Guesses: 1 (par 10)', f'Still possible: {low:,}–{high:,}']
    await user.should_see(f'{first} {"↑ higher" if first < secret else "↓ lower"}')  # the history
    assert element(user, 'guess-box', ui.input).value == ''  # cleared for the next guess
    assert await stored_round(app_options) == (secret, str(first))


async def test_invalid_guesses_get_a_message_and_are_not_counted(user: User, app_options: Path) -> None:
    await sign_in(user, name='Ann', max_number=100)
    secret, _ = await stored_round(app_options)
    expected = {
        '': 'Type a whole number from 1 to 100.',
        'abc': 'That is not a number. Type a whole number from 1 to 100.',
        '4.5': 'Whole numbers only: a guess must be from 1 to 100.',
        '0': 'A guess must be from 1 to 100; 0 is out of range.',
        '101': 'A guess must be from 1 to 100; 101 is out of range.',
    }
    for text, message in expected.items():
        assert await guess(user, text) == message
        assert progress(user)[0] == 'Guesses: 0 (par 7)'

    wrong = 1 if secret != 1 else 2
    await guess(user, str(wrong))
    assert await guess(user, f' {wrong} ') == f'You already guessed {wrong} (the answer was "{"higher"}"). ' \
                                              'It was not counted.'
    assert progress(user)[0] == 'Guesses: 1 (par 7)'
    assert await stored_round(app_options) == (secret, str(wrong))


async def test_a_reload_resumes_the_round_with_the_same_secret_and_guesses(user: User, app_options: Path) -> None:
    await sign_in(user, name='Ann', max_number=1_000_000)
    secret, _ = await stored_round(app_options)
    guesses = [n for n in (500_000, 250_000, 750_000) if n != secret][:2]
    for number in guesses:
        await guess(user, str(number))
    possible = progress(user)[1]

    await user.open('/play')

    await user.should_see('Welcome back: 2 guesses so far. Your turn!')
    assert progress(user)[:2] == ['Guesses: 2 (par 20)', possible]
    assert await stored_round(app_options) == (secret, ' '.join(map(str, guesses)))
    await play_to_win(user, 1_000_000)
    await user.should_see('is correct: you got it in')


async def test_play_again_starts_a_new_round_on_the_same_page(user: User) -> None:
    await sign_in(user, name='Ann', max_number=10)
    first = await play_to_win(user, 10)
    table = element(user, 'scores', ui.table)

    user.find(marker='play-again').click()
    await user.should_see('Type a guess and press Enter.')
    assert progress(user)[0] == 'Guesses: 0 (par 4)'
    second = await play_to_win(user, 10)

    assert element(user, 'scores', ui.table) is table  # the same table element, updated in place
    assert [row['guesses'] for row in table.rows] == [min(first, second)]  # one row per player: the best
    assert all(row['mine'] for row in table.rows)


async def test_after_a_win_a_link_leads_back_to_the_welcome_page(user: User) -> None:
    await sign_in(user, name='Ann', max_number=10)
    await play_to_win(user, 10)
    # A link inside the result's HTML, which this simulated user cannot click: tests/browser/test_game.py clicks it.
    link = r'<a class="hilo-change" href="/">.*Change name or range</a>'
    assert re.search(link, element(user, 'result', ui.html).content)
    await user.open('/')
    await user.should_see('Guess the number')
    assert element(user, 'name', ui.input).value == 'Ann'


async def test_the_secret_appears_nowhere_in_the_page_before_the_win(user: User, app_options: Path) -> None:
    await sign_in(user, name='Ann', max_number=1_000_000)
    secret, _ = await stored_round(app_options)
    for number in (1, 1_000_000, 500_000):
        if number != secret:
            await guess(user, str(number))
    assert user.client is not None
    # Everything the browser gets about the page: every element's props, text, classes and slots.
    page = json.dumps([element._to_dict() for element in user.client.elements.values()], default=str)
    assert not re.search(rf'(?<![\d,]){secret}(?![\d,])', page)
    assert f'{secret:,}' not in page


async def test_the_win_is_one_headline_with_par_rank_and_a_celebration_on_the_same_elements(user: User) -> None:
    await sign_in(user, name='Ann', max_number=10)
    assert user.client is not None
    panel = game_panel_of(user)
    elements = set(user.client.elements)
    first = await play_to_win(user, 10)

    headline = label(user, 'feedback').text
    assert headline.endswith(f'is correct: you got it in {first} {"guess" if first == 1 else "guesses"}!')
    against_par, rank = result(user)
    assert against_par.startswith('Par is 4')
    assert rank == 'A new #1 on the 1–10 board, and a personal best!'
    assert {'hilo-won', 'hilo-best', 'hilo-first'} <= set(panel.classes)  # the celebration (assets/hilo.css)
    # "It is 7" would only repeat the headline: the line below it has the count and the time, which has stopped.
    assert progress(user)[0] == f'Guesses: {first} (par 4)'
    assert [part.split(':')[0] for part in progress(user)] == ['Guesses', 'Time']
    assert 'hilo-clock' not in panel.progress.content
    # Said once: the number and the count are in the headline, not again in the lines below it.
    assert 'you got it' not in against_par.lower()

    user.find(marker='play-again').click()
    await user.should_see('Type a guess and press Enter.')
    assert not {'hilo-won', 'hilo-best', 'hilo-first'} & set(panel.classes)
    assert progress(user)[1] == 'Still possible: 1–10'
    assert not panel.result.visible
    await play_to_win(user, 10)
    assert 'hilo-won' in panel.classes
    assert set(user.client.elements) == elements  # two rounds, won and shown, without a single new element


async def test_a_personal_best_below_the_top_says_its_rank(user: User) -> None:
    await win_round(player_id='ace', name='Ace', max_number=10)  # one guess, no time: nobody can do better
    await sign_in(user, name='Ann', max_number=10)
    panel = game_panel_of(user)
    await play_to_win(user, 10)
    assert result(user)[1] == 'A personal best: #2 on the 1–10 board.'
    assert {'hilo-won', 'hilo-best'} <= set(panel.classes)
    assert 'hilo-first' not in panel.classes


async def test_a_win_that_is_not_a_personal_best_says_so_without_a_star(user: User) -> None:
    await user.open('/')
    assert user.client is not None
    player_id = user.client.request.session['id']  # NiceGUI's browser id: the player
    await win_round(player_id=player_id, name='Ann', max_number=10)  # an earlier best that cannot be beaten
    await sign_in(user, name='Ann', max_number=10)
    panel = game_panel_of(user)
    await play_to_win(user, 10)
    assert result(user)[1] == 'Not a personal best: your best on the 1–10 board stays as it was.'
    assert 'hilo-won' in panel.classes
    assert not {'hilo-best', 'hilo-first'} & set(panel.classes)


def game_panel_of(user: User) -> GamePanel:
    """The game panel on the user's page."""
    assert user.client is not None
    return next(element for element in user.client.elements.values() if isinstance(element, GamePanel))


@pytest.mark.parametrize(('guesses', 'said'), [
    (5, 'Par is 7, and you beat it by 2!'),
    (7, 'Par is 7: right on par, as a perfect halving strategy would be.'),
    (9, 'Par is 7: 2 over. Halving the range every time gets there.'),
])
def test_the_result_against_par(guesses: int, said: str) -> None:
    assert game_panel._against_par(guesses, 7) == said


async def test_the_clock_starts_at_the_first_counted_guess_not_at_page_load(user: User) -> None:
    await sign_in(user, name='Ann', max_number=1000)
    panel = game_panel_of(user)
    assert progress(user)[2] == 'Time: 0:00'  # reading the page costs no time
    assert 'hilo-clock' not in panel.progress.content
    await guess(user, 'abc')  # not counted: the clock still waits
    assert 'hilo-clock' not in panel.progress.content
    said = await guess(user, '500')
    if 'correct' not in said:  # (a one-in-1,000 win would stop the clock at once)
        # Now it runs: the browser counts the seconds (see assets/hilo.css), from the time played so far.
        assert re.search(r'class="hilo-clock" style="animation-delay: -0\.\ds"', panel.progress.content)
        assert panel.active.first_guess_at is not None
        panel.active.first_guess_at -= timedelta(seconds=65)  # as if the first guess was made a minute ago
        number = 250 if 'lower' in said else 750
        if 'correct' not in await guess(user, str(number)):
            # The new HTML starts the animation afresh, so every guess sends the time played so far.
            assert re.search(r'animation-delay: -65\.\ds', panel.progress.content)
