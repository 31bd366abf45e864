"""axe-core on every page and state of the game: welcome, a round, a win, dark mode, a phone, the 404 page.

Each state is also where keyboard players put the focus (the focused box, the focused Play again button), since
focus changes colours.
"""
from __future__ import annotations

import io
import re
from collections import Counter
from typing import Literal

import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from .axe import assert_accessible
from .conftest import PageMaker
from .players import guess, guess_box, open_page, play_to_win, sign_in
from .test_layout import contrast

WHITE = (255, 255, 255)


def shown_background(locator: Locator) -> tuple[int, ...]:
    """The colour that covers most of an element as it is on screen now."""
    with Image.open(io.BytesIO(locator.screenshot())) as picture:
        pixels: list[tuple[int, int, int]] = list(picture.convert('RGB').get_flattened_data())  # type: ignore[arg-type]
    return Counter(pixels).most_common(1)[0][0]


def check_a_whole_visit(page: Page, name: str, theme: str) -> None:
    """Welcome, a round in progress, the win with each of its buttons focused, and the 404 page."""
    open_page(page, '/')
    expect(page.get_by_label('Your name')).to_be_focused()
    expect(page.get_by_text('No scores yet. Be the first!').or_(page.locator('.q-table tbody tr')).first) \
        .to_be_visible()
    assert_accessible(page, f'the welcome page, {theme}, name box focused')
    sign_in(page, name=name)
    first = guess(page, '50')
    expect(guess_box(page)).to_be_focused()
    assert_accessible(page, f'the game mid-round, {theme}, guess box focused')
    if 'correct' not in first:  # (one time in a hundred 50 is the number)
        play_to_win(page)
    expect(page.get_by_role('button', name='Play again')).to_be_visible()
    assert_accessible(page, f'the win, {theme}')
    page.keyboard.press('Tab')
    again = page.get_by_role('button', name='Play again')
    expect(again).to_be_focused()
    assert_accessible(page, f'the win, {theme}, Play again focused')
    # axe does not see the veil Quasar lays over a focused button, so its colour is read from the screen.
    veil = again.locator('.q-focus-helper')
    veil.evaluate('veil => veil.getAnimations({subtree: true}).forEach(animation => animation.finish())')
    page.wait_for_function('veil => getComputedStyle(veil).opacity === "0.22"', arg=veil.element_handle())
    assert contrast(WHITE, shown_background(again)) >= 4.5, f'Play again, focused, {theme}'
    page.get_by_role('link', name='Change name or range').focus()
    assert_accessible(page, f'the win, {theme}, Change name or range focused')
    open_page(page, '/no/such/page')
    expect(page.get_by_role('link', name='Back to the game')).to_be_visible()
    assert_accessible(page, f'the 404 page, {theme}')


def test_no_serious_violation_in_light_and_dark_mode(new_page: PageMaker) -> None:
    light = new_page()
    dark = new_page(color_scheme='dark')
    check_a_whole_visit(light, 'Ann', 'light')
    open_page(dark, '/')  # the board now has Ann's row, and Ann's next win reaches this page as news
    check_a_whole_visit(dark, 'Bea', 'dark')
    expect(dark.locator('body.body--dark')).to_have_count(1)


def test_no_serious_violation_on_a_360_px_phone(new_page: PageMaker) -> None:
    phone = new_page(width=360, height=740)
    open_page(phone, '/')
    expect(phone.get_by_label('Your name')).to_be_focused()
    assert_accessible(phone, 'the welcome page on a phone')
    sign_in(phone, name='Zoë', max_number=1_000_000)
    guess(phone, '500000')
    expect(phone.get_by_text(re.compile(r'^Guesses: 1 '))).to_be_visible()
    assert_accessible(phone, 'the game on a phone')


@pytest.mark.parametrize('theme', ['light', 'dark'])
def test_no_serious_violation_on_the_scores_the_replay_and_the_learners_window(
        new_page: PageMaker, theme: Literal['light', 'dark']) -> None:
    page = new_page(color_scheme=theme)
    sign_in(page, name='Ann', max_number=100)
    page.get_by_role('switch', name='How it works').click()
    guess_box(page).focus()
    first = guess(page, '50')
    expect(page.get_by_role('region', name='How it works').locator('article')).to_have_count(1)
    assert_accessible(page, f"the learner's window with a guess in it, {theme}")
    if 'correct' not in first:  # (one time in a hundred 50 is the number)
        play_to_win(page)
    page.get_by_role('link', name='Ann (you): watch the replay').click()
    expect(page.get_by_role('button', name='Play (Space or K)')).to_be_focused()
    page.keyboard.press('End')
    expect(page.get_by_text(re.compile(r'^Step (\d+) of \1$'))).to_be_visible()
    assert_accessible(page, f'a replay at its last step, {theme}')
    page.get_by_role('link', name='Scores', exact=True).click()
    expect(page.get_by_role('heading', name='All ranges')).to_be_visible()
    expect(page.get_by_role('link', name='Ann (you): watch the replay').first).to_be_visible()
    assert_accessible(page, f'the scores page, {theme}')
