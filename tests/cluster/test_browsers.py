"""Two real Chromium browsers on two Hi-Lo instances behind HAProxy (PostgreSQL, Redis): one board, live for both."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.players import board_rows, guess, guess_box, open_page, play_to_win, sign_in

from .conftest import Cluster


class Visitors:
    """Browser profiles (contexts) that reach the game through the proxy; closed after the test."""

    def __init__(self, browser: Browser, cluster: Cluster) -> None:
        self.browser = browser
        self.cluster = cluster
        self.contexts: list[BrowserContext] = []

    def arrive(self, *, not_on: str | None = None) -> tuple[Page, str]:
        """A fresh browser that opened the welcome page, and the instance that served it (its HILO_SERVER cookie).

        With ``not_on``, new browsers arrive until one lands on another instance than that one (the proxy sends a
        newcomer to the instance with the fewest open connections, so the second one normally does)."""
        for _ in range(5):
            context = self.browser.new_context(base_url=self.cluster.proxy.url, viewport={'width': 1000, 'height': 900})
            context.set_default_timeout(10_000)
            self.contexts.append(context)
            page = context.new_page()
            open_page(page, '/')
            expect(page.get_by_label('Your name')).to_be_visible()
            server = served_by(page)
            if server != not_on:
                return page, server
            context.close()
        raise AssertionError(f'every new browser landed on {not_on}')

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def visitors(browser: Browser, cluster: Cluster) -> Iterator[Visitors]:
    made = Visitors(browser, cluster)
    yield made
    made.close()


def served_by(page: Page) -> str:
    """The instance HAProxy pinned this browser to, from its sticky cookie."""
    return next(cookie['value'] for cookie in page.context.cookies() if cookie['name'] == 'HILO_SERVER')


def test_a_win_on_one_instance_shows_live_on_the_other(visitors: Visitors) -> None:
    ann, ann_server = visitors.arrive()
    bob, bob_server = visitors.arrive(not_on=ann_server)
    assert {ann_server, bob_server} == {'hilo1', 'hilo2'}
    sign_in(bob, name='Bob', max_number=100)
    guess(bob, '0')  # Bob is playing too: a guess that is refused, so that he never wins and never tops the board
    bob.evaluate('window.stillTheSamePage = 42')  # a page load would wipe this out
    expect(bob.get_by_text('No scores yet. Be the first!')).to_be_visible()

    sign_in(ann, name='Ann', max_number=100)
    count = play_to_win(ann)

    # Ann's win was stored and shown by her instance; Bob's instance heard of it through Redis.
    expect(board_rows(bob).first).to_contain_text('Ann', timeout=2000)
    expect(board_rows(bob).first).to_contain_text(str(count))
    expect(bob.get_by_text(f'Ann won 1–100 in {count} guess')).to_be_visible()
    assert bob.evaluate('window.stillTheSamePage') == 42
    assert (served_by(ann), served_by(bob)) == (ann_server, bob_server)  # each page stayed on its instance


def test_a_player_keeps_their_name_and_round_when_their_page_moves_to_another_instance(visitors: Visitors) -> None:
    ann, first = visitors.arrive()
    sign_in(ann, name='Ann', max_number=1000)
    answer = guess(ann, '500')
    guess(ann, '250' if 'too high' in answer else '750')
    history = ann.get_by_label('Your guesses so far').get_by_role('listitem')
    shown = history.all_inner_texts()
    assert len(shown) == 2

    other = 'hilo2' if first == 'hilo1' else 'hilo1'
    ann.context.add_cookies([{'name': 'HILO_SERVER', 'value': other, 'url': visitors.cluster.proxy.url}])
    ann.reload()

    # The other instance knows her name (NiceGUI's storage is in Redis) and her round (in PostgreSQL).
    expect(guess_box(ann)).to_be_visible()
    assert served_by(ann) == other
    assert ann.url.endswith('/play')
    expect(history).to_have_text(shown)
