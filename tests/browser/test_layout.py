"""How the pages look: a 360 px phone, and dark mode."""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from .conftest import PageMaker
from .players import guess, guess_box, open_page, play_to_win, sign_in


def overflow(page: Page) -> int:
    """How many pixels the page is wider than the screen (0 when nothing sticks out sideways)."""
    return int(page.evaluate('document.documentElement.scrollWidth - window.innerWidth'))


def test_a_message_below_a_box_moves_nothing(page: Page) -> None:
    """A message shown while the player reaches for a button must not move the button away from the pointer."""
    open_page(page, '/')
    play = page.get_by_role('button', name='Play')
    before = play.bounding_box()
    page.get_by_label(re.compile('or any whole number')).fill('5')
    page.keyboard.press('Tab')  # leaving the box checks what it holds
    expect(page.get_by_text('The highest number must be from 10 to 1,000,000; 5 is out of range.')).to_be_visible()
    assert play.bounding_box() == before

    sign_in(page, name='Kim', max_number=100)
    status = page.get_by_role('status')
    before = status.bounding_box()
    assert guess(page, 'abc') == 'That is not a number. Type a whole number from 1 to 100.'
    assert status.bounding_box() == before


def test_a_360_px_phone_needs_no_sideways_scrolling(new_page: PageMaker, tmp_path: Path) -> None:
    phone = new_page(width=360, height=740)
    open_page(phone, '/')
    assert overflow(phone) == 0
    sign_in(phone, name='Zoë Ångström-Nakamura', max_number=1_000_000)
    assert overflow(phone) == 0
    for number in ('500000', '250000', '750000', '125000', '875000', '625000'):
        guess_box(phone).fill('')
        guess(phone, number)
    assert overflow(phone) == 0  # the history of guesses wraps instead of widening the page

    button = phone.get_by_role('button', name='Guess')
    box = button.bounding_box()
    assert box is not None
    assert box['x'] >= 0
    assert box['x'] + box['width'] <= 360
    guess_box(phone).fill('1')
    button.click()  # reachable and working with a tap, not only with Enter
    expect(phone.get_by_text(re.compile(r'^Guesses: [1-7] '))).to_be_visible()
    expect(guess_box(phone)).to_be_focused()  # ready for the next guess without another tap
    play_to_win(phone)
    assert overflow(phone) == 0
    phone.screenshot(path=tmp_path / 'phone.png', full_page=True)  # to look at when it fails


def luminance(rgb: tuple[float, ...]) -> float:
    """Relative luminance as WCAG defines it."""
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (channel(value) for value in rgb[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(foreground: tuple[float, ...], background: tuple[float, ...]) -> float:
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


COLOURS_JS = """element => {
    const parse = text => text.match(/[\\d.]+/g).map(Number);
    let node = element, background = null;
    while (node && !background) {  // the first ancestor that paints a background
        const colour = parse(getComputedStyle(node).backgroundColor);
        if (colour.length < 4 || colour[3] > 0) background = colour;
        node = node.parentElement;
    }
    return {text: parse(getComputedStyle(element).color), background: background || [255, 255, 255]};
}"""


def test_dark_mode_renders_readable_text(new_page: PageMaker, tmp_path: Path) -> None:
    page = new_page(height=560)
    sign_in(page, name='Kim', max_number=100)
    play_to_win(page)
    expect(page.locator('body.body--dark')).to_have_count(0)  # as the system, which is light here
    page.get_by_role('button', name=re.compile('Colour theme')).click()  # one click: dark
    expect(page.locator('body.body--dark')).to_have_count(1)

    samples = {
        'heading': page.get_by_text("I'm thinking of a number between 1 and 100."),
        'answer': page.get_by_role('status'),
        'count': page.get_by_text(re.compile(r'^Guesses: ')),
        'headline': page.get_by_text(re.compile(' is correct: you got it in ')),
        'result': page.get_by_text(re.compile('^Par is ')),
        'board title': page.get_by_text('High scores · 1–100'),
        'own row': page.locator('.q-table tbody td.hilo-name').first,
        'column head': page.locator('.q-table thead th').nth(1),
        'link drawn as a button': page.get_by_role('link', name='Change name or range'),
    }
    for name, locator in samples.items():
        colours = locator.evaluate(COLOURS_JS)
        ratio = contrast(tuple(colours['text']), tuple(colours['background']))
        assert ratio >= 4.5, f'{name}: contrast {ratio:.1f} is below 4.5 ({colours})'
        assert luminance(tuple(colours['background'])) < 0.2, f'{name} is not on a dark background ({colours})'
    page.screenshot(path=tmp_path / 'dark.png', full_page=True)

    page.reload()  # the choice is remembered
    expect(page.locator('body.body--dark')).to_have_count(1)


def test_on_a_dark_system_each_click_of_the_theme_button_changes_what_the_player_sees(new_page: PageMaker) -> None:
    page = new_page(color_scheme='dark')
    open_page(page, '/')
    theme = page.get_by_role('button', name=re.compile('Colour theme'))
    expect(theme).to_have_accessible_name(re.compile('as the system'))
    expect(page.locator('body.body--dark')).to_have_count(1)  # as the system: dark

    theme.click()
    expect(page.locator('body.body--dark')).to_have_count(0)  # the first click shows light at once
    expect(theme).to_have_accessible_name('Colour theme: light (switch to dark)')
    page.reload()
    expect(page.locator('body.body--dark')).to_have_count(0)  # remembered

    theme.click()
    expect(page.locator('body.body--dark')).to_have_count(1)  # dark again, which is the system's choice...
    expect(theme).to_have_accessible_name(re.compile('as the system'))  # ...so the page follows the system again
