"""The learner's window in a real Chromium: opened from the keyboard, it shows every layer of a guess, starting with
the very message the browser sent."""
from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import expect

from .conftest import PageMaker
from .players import FRAMES, feedback, guess, guess_box, open_page, sign_in

LAYERS = ('1. Browser → server', '2. Python', '3. Database', '4. Server → browser')


def test_the_window_opens_from_the_keyboard_and_shows_every_layer_of_a_guess(new_page: PageMaker,
                                                                            tmp_path: Path) -> None:
    page = new_page(width=1400, height=1000)
    sign_in(page, name='Kim', max_number=1000)  # the guess box has the focus
    page.keyboard.press('Shift+Tab')  # the switch comes just before the game
    switch = page.get_by_role('switch', name='How it works')
    expect(switch).to_be_focused()
    page.keyboard.press('Space')
    window = page.get_by_role('region', name='How it works')
    expect(window).to_be_visible()
    expect(window).to_contain_text('Nothing yet.')
    game = page.get_by_role('heading', name=re.compile("I'm thinking of a number")).bounding_box()
    beside = window.bounding_box()
    assert game is not None
    assert beside is not None
    assert beside['x'] > game['x'] + game['width']  # beside the game on a wide screen
    page.keyboard.press('Tab')  # and back to the game
    expect(guess_box(page)).to_be_focused()

    frames = FRAMES[page]
    before = len(frames.sent)
    said = guess(page, '500')

    entry = window.locator('article').first
    verdict = 'higher' if 'too low' in said else 'lower' if 'too high' in said else 'correct'
    expect(entry).to_contain_text(f'#1 · Guess “500”: {verdict}')
    for layer in LAYERS:
        expect(entry.get_by_role('heading', name=re.compile(re.escape(layer)))).to_be_visible()
    # 1. The message shown is the frame the browser sent: one Socket.IO event for the guess.
    (sent,) = [frame for frame in frames.messages(frames.sent[before:]) if frame.startswith('42["event"')]
    shown = entry.locator('code.language-json').first.inner_text()
    assert json.loads(shown.removeprefix('42')) == json.loads(sent.removeprefix('42'))
    assert json.loads(json.loads(sent.removeprefix('42'))[1]['args'][0]) == '500'
    expect(entry).to_contain_text(f'{len(sent.encode()):,} bytes. Its arguments travel as JSON text')
    # 2. to 4. The handler, the UPDATE with this guess in it, and the update that came back.
    expect(entry).to_contain_text('NiceGUI called GamePanel.submit (ui/game_panel.py, line')
    expect(entry.locator('code.language-sql')).to_contain_text('UPDATE active_round')
    expect(entry).to_contain_text('"after": "500"')
    expect(entry).to_contain_text(re.compile(r'“update”, [\d,]+ bytes, with .*"feedback"'))
    page.screenshot(path=tmp_path / 'how-it-works.png')  # to look at when it fails

    # Each layer links to the part of the README that explains it, served by the game itself.
    link = entry.get_by_role('link', name='How this layer works').nth(2).get_attribute('href')
    assert link == '/readme/#layer-database'
    open_page(page, link)
    expect(page.locator('#layer-database')).to_be_attached()
    expect(page.get_by_role('heading', name='3. Database')).to_be_visible()
    assert new_page.dialogs == []


def test_on_a_phone_the_window_opens_below_the_game(new_page: PageMaker) -> None:
    phone = new_page(width=360, height=740)
    sign_in(phone, name='Kim', max_number=100)
    phone.get_by_role('switch', name='How it works').click()
    window = phone.get_by_role('region', name='How it works')
    expect(window).to_be_visible()
    guess_box(phone).focus()
    guess(phone, '50')
    expect(window.locator('article')).to_have_count(1)
    game = feedback(phone).bounding_box()  # the answer's line, below the guess box (there even if 50 won)
    below = window.bounding_box()
    assert game is not None
    assert below is not None
    assert below['y'] > game['y'] + game['height']
    assert phone.evaluate('document.documentElement.scrollWidth - window.innerWidth') == 0  # code scrolls inside
