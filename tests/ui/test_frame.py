"""The frame every page shares (ui/frame.py): its stylesheet, linked instead of written into every page."""
from __future__ import annotations

import re
from pathlib import Path

from nicegui.testing import User

from ui.frame import stylesheet_link

STYLESHEET = Path(__file__).resolve().parents[2] / 'assets' / 'hilo.css'


async def test_every_page_links_the_stylesheet_and_the_address_serves_it_for_browsers_to_keep(user: User) -> None:
    page = await user.http_client.get('/')
    assert stylesheet_link(STYLESHEET, url_path='/assets') in page.text
    assert "A score board's title" not in page.text  # (a comment of the stylesheet's): not written into the page
    address = re.search(r'<link rel="stylesheet" href="(/assets/hilo\.css\?v=[0-9a-f]{12})">', page.text)
    assert address is not None
    served = await user.http_client.get(address[1])
    assert served.status_code == 200
    assert served.text == STYLESHEET.read_text(encoding='utf-8')
    assert served.headers['content-type'].startswith('text/css')
    assert 'max-age=3600' in served.headers['cache-control']


def test_a_changed_stylesheet_has_another_address(tmp_path: Path) -> None:
    sheet = tmp_path / 'game.css'
    sheet.write_text('body { color: red; }')
    before = stylesheet_link(sheet, url_path='/files')
    assert before.startswith('<link rel="stylesheet" href="/files/game.css?v=')
    assert stylesheet_link(sheet, url_path='/files') == before
    sheet.write_text('body { color: blue; }')
    assert stylesheet_link(sheet, url_path='/files') != before
