"""Replays in a real Chromium: from a board to a replay and through it with the keyboard alone, and a shared link."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import PageMaker
from .players import open_page, play_to_win, sign_in


def possible_width(page: Page) -> float:
    """How wide the bar of the range still possible is drawn, in pixels."""
    return float(page.locator('.hilo-bar-possible').evaluate('bar => bar.getBoundingClientRect().width'))


def status(page: Page) -> str:
    """What the replay's status region says (and a screen reader reads out)."""
    region = page.get_by_role('status').filter(has_text=re.compile('guess', re.IGNORECASE))
    return region.inner_text()


def test_a_replay_opened_from_a_board_and_stepped_through_with_the_keyboard_alone(new_page: PageMaker) -> None:
    ann = new_page()
    sign_in(ann, name='Ann', max_number=100)
    count = play_to_win(ann)

    viewer = new_page()
    open_page(viewer, '/')
    link = viewer.get_by_role('link', name='Ann: watch the replay')
    expect(link).to_be_visible()
    viewer.evaluate('window.stillTheSamePage = 42')  # a page load would wipe this out
    for _ in range(40):  # Tab from the name box, through the form, to the board's first name
        viewer.keyboard.press('Tab')
        if viewer.evaluate('document.activeElement.getAttribute("aria-label")') == 'Ann: watch the replay':
            break
    expect(link).to_be_focused()
    viewer.keyboard.press('Enter')

    viewer.wait_for_url(re.compile(r'/replay/\d+$'))
    expect(viewer.get_by_role('heading', name=f'Ann won 1–100 in {count} guess')).to_be_visible()
    assert viewer.evaluate('window.stillTheSamePage') == 42  # the view switched over the open connection
    expect(viewer.get_by_role('button', name='Play (Space or K)')).to_be_focused()  # ready for the keys
    assert status(viewer) == 'Before the first guess: any number from 1 to 100.'
    widths = [possible_width(viewer)]

    for step in range(1, count + 1):
        viewer.keyboard.press('ArrowRight')
        expect(viewer.get_by_text(f'Step {step} of {count}')).to_be_visible()
        assert status(viewer).startswith(f'Guess {step} of {count}: ')
        viewer.wait_for_function(  # the bar slides to its new width: measure it once it got there
            "() => document.querySelector('.hilo-bar-possible').getAnimations().length === 0")
        widths.append(possible_width(viewer))
    assert status(viewer).endswith('is correct!')
    assert widths == sorted(widths, reverse=True)  # the bar only shrinks...
    assert widths[-1] < widths[0] / 10  # ...to the one number left

    viewer.keyboard.press('ArrowLeft')
    expect(viewer.get_by_text(f'Step {count - 1} of {count}')).to_be_visible()
    viewer.keyboard.press('Home')
    expect(viewer.get_by_text(f'Step 0 of {count}')).to_be_visible()
    viewer.keyboard.press('End')
    expect(viewer.get_by_text(f'Step {count} of {count}')).to_be_visible()

    if count == 1:  # (one time in a hundred Ann's first guess, 50, won: a replay of one step has no middle)
        return
    viewer.keyboard.press('k')  # play, from the start again, one step a little over a second
    expect(viewer.get_by_role('button', name='Pause (Space or K)')).to_be_visible()
    expect(viewer.get_by_text(f'Step 1 of {count}')).to_be_visible()
    viewer.keyboard.press('Space')  # the focused button is Play/Pause: Space presses it
    expect(viewer.get_by_role('button', name='Play (Space or K)')).to_be_visible()
    paused_at = viewer.get_by_text(re.compile(r'^Step \d+ of')).inner_text()
    viewer.keyboard.press('k')
    expect(viewer.get_by_text(f'Step {count} of {count}')).to_be_visible(timeout=count * 1500 + 2000)
    assert paused_at != f'Step {count} of {count}'
    expect(viewer.get_by_role('button', name='Play (Space or K)')).to_be_visible()  # it stops at the end


def test_a_shared_replay_link_opens_in_a_fresh_browser(new_page: PageMaker) -> None:
    ann = new_page()
    sign_in(ann, name='Ann', max_number=10)
    count = play_to_win(ann)
    ann.get_by_role('link', name='Ann (you): watch the replay').click()
    ann.wait_for_url(re.compile(r'/replay/\d+$'))
    address = ann.url

    friend = new_page()  # another browser, with no name and no cookie
    open_page(friend, address)
    expect(friend.get_by_role('heading', name=f'Ann won 1–10 in {count} guess')).to_be_visible()
    expect(friend.get_by_role('button', name='Play (Space or K)')).to_be_focused()
    friend.keyboard.press('End')
    expect(friend.get_by_text(f'Step {count} of {count}')).to_be_visible()
    assert status(friend).endswith('is correct!')
    friend.get_by_role('link', name='Scores', exact=True).click()  # the header's link, to the boards
    expect(friend.get_by_role('heading', name='All ranges')).to_be_visible()
    expect(friend.get_by_role('link', name='Ann: watch the replay')).to_have_count(1)  # (the 1–100 board has none)
    open_page(friend, '/replay/123456')
    expect(friend.get_by_text('No such game')).to_be_visible()
    expect(friend.get_by_role('link', name='Back to the game')).to_be_visible()
