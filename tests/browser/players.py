"""What a player does in a real browser: the same steps as in tests/ui/players.py, with real keys and clicks."""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

SCREENSHOTS = Path(__file__).resolve().parents[2] / 'docs' / 'screenshots'  # the README shows these


def guess_box(page: Page) -> Locator:
    return page.get_by_role('textbox', name='Your guess')


def feedback(page: Page) -> Locator:
    return page.get_by_role('status')


def board_rows(page: Page) -> Locator:
    return page.locator('.q-table tbody tr')


def sign_in(page: Page, *, name: str, max_number: int = 100) -> None:
    """Open the welcome page, fill in name and range by typing, press Enter, land on the game."""
    page.goto('/')
    page.get_by_label('Your name').fill(name)
    page.get_by_label(re.compile('or any whole number')).fill(str(max_number))
    page.get_by_label('Your name').press('Enter')
    page.wait_for_url('**/play')
    expect(guess_box(page)).to_be_focused()


def guess(page: Page, text: str) -> str:
    """Type a guess into the focused box, press Enter, and return the answer or the error shown beside the box."""
    before = feedback(page).inner_text()
    error = page.locator('.q-field--error [role=alert]')
    page.keyboard.type(text)
    expect(error).to_have_count(0)  # typing clears the message of an earlier bad guess; wait for that first
    page.keyboard.press('Enter')
    page.wait_for_function(
        """([before]) => document.querySelector('[role=status]').innerText !== before
                          || document.querySelector('.q-field--error [role=alert]') !== null""", arg=[before])
    return error.inner_text() if error.count() else feedback(page).inner_text()


def play_to_win(page: Page) -> int:
    """Binary search with the keyboard, reading only the page; returns the number of guesses the round took."""
    possible = page.get_by_text(re.compile(r'^Still possible:')).inner_text()
    low, high = (int(part.replace(',', '')) for part in possible.split(': ')[1].split('–'))
    while True:
        middle = (low + high) // 2
        said = guess(page, str(middle))
        if 'correct' in said:
            count = page.get_by_text(re.compile(r'^Guesses: \d+')).inner_text()
            return int(count.split()[1])
        if 'too low' in said:
            low = middle + 1
        else:
            assert 'too high' in said, said
            high = middle - 1
