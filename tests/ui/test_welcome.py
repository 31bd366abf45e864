"""The welcome page, driven by NiceGUI's simulated user."""
from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from .players import element, should_see_board, sign_in


async def test_the_welcome_page_asks_for_a_name_and_a_range_and_shows_that_board(user: User) -> None:
    await user.open('/')
    await user.should_see('Guess the number')
    await user.should_see('Your name')
    assert element(user, 'highest', ui.input).value == '100'
    assert element(user, 'presets', ui.toggle).value == 100
    await should_see_board(user, 'High scores · 1–100')
    assert list(element(user, 'scores', ui.table).rows) == []


async def test_enter_submits_and_the_game_starts(user: User) -> None:
    await sign_in(user, name='Ann', max_number=1000)
    await user.should_see("I'm thinking of a number between 1 and 1,000.")


async def test_name_and_range_are_checked_inline_and_nothing_is_lost(user: User) -> None:
    await user.open('/')
    user.find(marker='name').type('   ')
    user.find(marker='highest').clear().type('5')
    user.find(marker='play').click()

    assert element(user, 'name', ui.input).error == 'Type a name (1 to 24 characters).'
    assert element(user, 'highest', ui.input).error == \
        'The highest number must be from 10 to 1,000,000; 5 is out of range.'
    await user.should_see('Guess the number')  # still on the welcome page, with what was typed
    assert element(user, 'highest', ui.input).value == '5'

    user.find(marker='highest').clear().type('50')
    assert element(user, 'highest', ui.input).error is None  # the message goes as soon as the value is fixed
    user.find(marker='name').clear().type('x' * 25)
    user.find(marker='highest').trigger('keydown.enter')
    assert element(user, 'name', ui.input).error == 'Use at most 24 characters (this name has 25).'
    await user.should_see('Guess the number')


async def test_name_and_range_are_remembered_for_the_next_visit(user: User) -> None:
    await sign_in(user, name='  Zoë 🎲  ', max_number=1_000_000)
    await user.open('/')
    assert element(user, 'name', ui.input).value == 'Zoë 🎲'
    assert element(user, 'highest', ui.input).value == '1,000,000'
    assert element(user, 'presets', ui.toggle).value == 1_000_000
    await should_see_board(user, 'High scores · 1–1,000,000')


async def test_presets_and_typed_ranges_switch_the_board(user: User) -> None:
    await user.open('/')
    element(user, 'presets', ui.toggle).value = 1000
    assert element(user, 'highest', ui.input).value == '1,000'
    await should_see_board(user, 'High scores · 1–1,000')

    user.find(marker='highest').clear().type('777').trigger('change')  # as the browser does on leaving the box
    assert element(user, 'presets', ui.toggle).value is None
    await should_see_board(user, 'High scores · 1–777')
    await user.should_not_see(marker='your-best')


async def test_the_game_page_sends_players_without_a_name_to_the_welcome_page(user: User) -> None:
    await user.open('/play')
    await user.should_see('Guess the number')
    await user.should_not_see(marker='guess-box')
