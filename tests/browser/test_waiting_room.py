"""The waiting room in a real Chromium: a newcomer who must wait sees why, and the game opens by itself."""
from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Response, expect

from tests.server import Server

from .conftest import PageMaker
from .players import open_page


@pytest.fixture
def slow_door(tmp_path: Path) -> Iterator[Server]:
    """A server that admits one page load every four seconds."""
    with Server(tmp_path / 'data', '--joins-per-second', '0.25') as running:
        yield running


def test_a_newcomer_waits_in_line_and_the_game_opens_by_itself(browser: Browser, slow_door: Server) -> None:
    maker = PageMaker(browser, slow_door)
    try:
        page = maker()
        try:
            urllib.request.urlopen(slow_door.url).close()  # whoever asks first takes the one place of these 4 s
        except urllib.error.HTTPError as error:  # it was taken already: this one waits in line, before the page
            if error.code != 503:
                raise
        answers: list[Response] = []
        page.on('response', lambda answer: answers.append(answer) if answer.request.is_navigation_request() else None)

        response = open_page(page, '/')

        assert response is not None
        assert response.status == 200
        assert answers[0].status == 503, 'the first answer was not the waiting room'
        assert 2 <= int(answers[0].headers['retry-after']) <= 8  # seconds: sooner the nearer the front of the line
        assert answers[-1] == response
        expect(page.get_by_label('Your name')).to_be_focused()  # the game's own page, ready to play
        assert maker.dialogs == []
    finally:
        maker.close()
