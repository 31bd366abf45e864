"""Refresh the README's pictures: ``python -m tests.browser.screenshots`` writes docs/screenshots/*.png.

It starts the real game on a free port with a fresh data folder, plays it in Debian's Chromium (as the browser tests
do) and takes each picture when the page has settled. Every font the pages use comes with NiceGUI (Roboto and the
Material icons, served by the game itself), so the pictures look the same on any machine with Chromium; only the
numbers differ, since each round's secret is random. The tests never write here (they use a temporary folder).
"""
from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.server import Server

from .conftest import CHROMIUM, CHROMIUM_ARGS
from .players import guess, guess_box, open_page, play_to_win, sign_in

FOLDER = Path(__file__).resolve().parents[2] / 'docs' / 'screenshots'
WIDTH, HEIGHT = 1000, 560


def main() -> None:
    """Take every picture the README shows."""
    parser = argparse.ArgumentParser(prog='python -m tests.browser.screenshots', description=__doc__.splitlines()[0])
    parser.add_argument('--out', type=Path, default=FOLDER, help='folder for the pictures (default: %(default)s)')
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data, Server(Path(data) / 'data') as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        take_pictures(browser, server.url, out)
        browser.close()
    for picture in sorted(out.glob('*.png')):
        print(f'wrote {picture}')


def take_pictures(browser: Browser, url: str, out: Path) -> None:
    """welcome.png, game.png (another player's win arriving), win.png, dark.png, phone.png and how-it-works.png."""
    def new_page(width: int = WIDTH, height: int = HEIGHT, **options: str) -> Page:
        context = browser.new_context(base_url=url, viewport={'width': width, 'height': height}, **options)  # type: ignore[arg-type]
        context.set_default_timeout(10_000)
        return context.new_page()

    welcome = new_page()
    open_page(welcome, '/')
    welcome.get_by_label('Your name').fill('Kim')
    expect(welcome.get_by_text('No scores yet. Be the first!')).to_be_visible()
    snap(welcome, out / 'welcome.png')

    bob, ann = new_page(), new_page()
    sign_in(bob, name='Bob', max_number=100)
    guess(bob, '50')
    sign_in(ann, name='Ann', max_number=100)
    play_to_win(ann)
    expect(bob.get_by_text(re.compile('^Ann won'))).to_be_visible()
    snap(bob, out / 'game.png')
    snap(ann, out / 'win.png')

    dark = new_page(color_scheme='dark')
    sign_in(dark, name='Kim', max_number=100)
    play_to_win(dark)
    expect(dark.locator('body.body--dark')).to_have_count(1)
    snap(dark, out / 'dark.png')

    phone = new_page(width=360, height=740)
    sign_in(phone, name='Zoë', max_number=1_000_000)
    for number in ('500000', '250000', '750000'):
        guess(phone, number)
    snap(phone, out / 'phone.png')

    learner = new_page(width=1400, height=1350)  # tall enough for the four layers of a guess
    sign_in(learner, name='Kim', max_number=1000)
    learner.get_by_role('switch', name='How it works').click()
    guess_box(learner).focus()
    guess(learner, '500')
    expect(learner.get_by_role('region', name='How it works').locator('code.language-sql')).to_be_visible()
    snap(learner, out / 'how-it-works.png', full_page=False)


def snap(page: Page, path: Path, *, full_page: bool = True) -> None:
    """A full-page picture once the short animations (the celebration, Quasar's transitions) are over.

    The running clock is an animation too, of a day (see assets/hilo.css): it goes on.
    """
    page.evaluate('document.fonts.ready')
    page.evaluate("""document.getAnimations()
        .filter(animation => animation.effect.getComputedTiming().endTime < 60_000)
        .forEach(animation => animation.finish())""")
    page.mouse.move(0, 0)  # no hover effects
    page.screenshot(path=path, full_page=full_page, caret='hide')


if __name__ == '__main__':
    main()
