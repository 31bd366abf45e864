"""An address the game does not have: a Hi-Lo page that says so, with a way home, and HTTP status 404."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .players import guess_box, open_page, sign_in


@pytest.mark.parametrize('path', ['/nope', '/nope/deeper', '/play/extra'])
def test_an_unknown_address_is_a_hilo_page_with_a_way_home(page: Page, path: str) -> None:
    sign_in(page, name='Ann')  # so that /play/extra would show the game if it went that far
    response = open_page(page, path)

    assert response is not None
    assert response.status == 404
    expect(page).to_have_title('Not found · Hi-Lo')
    expect(page.get_by_role('heading', name='This page does not exist')).to_be_visible()
    expect(page.get_by_text(f'There is nothing at {path} in Hi-Lo.')).to_be_visible()
    expect(page.get_by_text('404: sub page')).to_have_count(0)  # NiceGUI's own label
    expect(guess_box(page)).to_have_count(0)

    page.get_by_role('link', name='Back to the game').click()
    expect(page.get_by_role('heading', name='Guess the number')).to_be_visible()
    expect(page).to_have_url(re.compile(r'^http://[^/]+/$'))


def test_a_link_inside_the_page_to_an_unknown_address_shows_the_same_page(page: Page) -> None:
    open_page(page, '/')
    expect(page.get_by_label('Your name')).to_be_visible()  # Vue has drawn the page (on a busy machine: after load)
    page.evaluate("""() => {  // a stale link, followed without a page load as every link inside the game is
        const link = Object.assign(document.createElement('a'), {href: '/gone', textContent: 'old link'});
        document.querySelector('.nicegui-content').append(link);
    }""")
    page.get_by_role('link', name='old link').click()
    expect(page.get_by_role('heading', name='This page does not exist')).to_be_visible()
    expect(page.get_by_role('link', name='Back to the game')).to_be_visible()
