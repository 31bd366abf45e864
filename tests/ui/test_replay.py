"""Replays: a won game step by step, from the buttons and the keys; and what happens when there is nothing to replay."""
from __future__ import annotations

import asyncio

from nicegui import ui
from nicegui.testing import User

from tests.wins import store_score, win_round

from .players import element, label

BEFORE = 'Before the first guess: any number from 1 to 100.'


async def open_replay(user: User, score_id: int | str) -> None:
    """Open a replay and wait until it is built (it reads the game first)."""
    await user.open(f'/replay/{score_id}')
    await user.should_see(marker='replay-title')


async def test_a_replay_steps_through_each_guess_its_answer_and_the_range_left(user: User) -> None:
    win = await win_round(player_id='ada', name='Ada', misses=2)
    wrong, secret = win.score.moves_list[:2], win.score.moves_list[2]  # type: ignore[index]
    await open_replay(user, win.score.id)  # type: ignore[arg-type]
    await user.should_see('Ada won 1–100 in 3 guesses')
    status, replay = label(user, 'replay-status'), user.find(marker='replay')
    assert status.text == BEFORE
    assert label(user, 'replay-step').text == 'Step 0 of 3'

    replay.trigger('keydown', 'forward')  # what the browser sends for →
    direction = 'low' if wrong[0] < secret else 'high'
    assert status.text.startswith(f'Guess 1 of 3: {wrong[0]} is too {direction}. Still possible: ')
    low, high = (int(part) for part in status.text.rstrip('.').split(': ')[-1].split('–'))
    assert low <= secret <= high
    assert (low == wrong[0] + 1) if direction == 'low' else (high == wrong[0] - 1)
    bar = element(user, 'replay-bar', ui.html)._style  # the bar shows the same range, as fractions of the whole
    assert (bar['--hilo-low'], bar['--hilo-high']) == (f'{(low - 1) / 100:.6f}', f'{high / 100:.6f}')

    replay.trigger('keydown', 'end')
    assert status.text == f'Guess 3 of 3: {secret} is correct!'
    replay.trigger('keydown', 'back')
    assert status.text.startswith('Guess 2 of 3: ')
    replay.trigger('keydown', 'start')
    assert status.text == BEFORE
    replay.trigger('keydown', 'rm -rf /')  # anything else a browser might send changes nothing
    assert status.text == BEFORE


async def test_play_shows_the_steps_by_itself_and_pause_stops_it(user: User) -> None:
    win = await win_round(player_id='ada', name='Ada', misses=1)
    await open_replay(user, win.score.id)  # type: ignore[arg-type]
    status = label(user, 'replay-status')

    user.find(marker='play').click()
    await user.should_see('Guess 1 of 2', retries=20)
    await user.should_see('is correct!', retries=30)  # and it stops at the end
    assert element(user, 'play', ui.button).props['aria-label'] == 'Play (Space or K)'

    user.find(marker='play').click()  # from the end, play starts again from the start...
    await user.should_see('Guess 1 of 2', retries=20)
    user.find(marker='replay').trigger('keydown', 'toggle')  # ...and Space pauses it
    shown = status.text
    assert element(user, 'play', ui.button).props['aria-label'] == 'Play (Space or K)'
    await asyncio.sleep(1.5)  # longer than a step: a paused replay must not move on
    assert status.text == shown


async def test_a_game_from_before_replays_says_so(user: User) -> None:
    old = await store_score(player_id='old', name='Old Timer', guesses=20, time_ms=90_000)
    await open_replay(user, old.id)  # type: ignore[arg-type]
    await user.should_see('Old Timer won 1–100 in 20 guesses')
    await user.should_see('This game was stored before Hi-Lo kept the guesses of each round, so it has no replay.')
    await user.should_not_see(marker='replay')


async def test_an_unknown_game_says_so_with_a_way_home(user: User) -> None:
    for score_id in ['999', 'abc', '99999999999999999999']:
        await user.open(f'/replay/{score_id}')
        await user.should_see('No such game')
        await user.should_see('Back to the game')
    user.find('Back to the game').click()
    await user.should_see('Guess the number')


async def test_every_board_links_its_names_to_their_replays(user: User) -> None:
    await win_round(player_id='ada', name='Ada', misses=1)
    await store_score(player_id='old', name='Old Timer', guesses=20, time_ms=90_000)
    await user.open('/')
    await user.should_see(marker='scores')
    table = element(user, 'scores', ui.table)
    assert "'/replay/' + props.row.id" in str(table.slots['body-cell-name'].template)
    for _ in range(200):  # the welcome view reads its board in the background
        if table.rows:
            break
        await asyncio.sleep(0.01)
    assert [(row['name'], row['replay']) for row in table.rows] == [('Ada', True), ('Old Timer', False)]
