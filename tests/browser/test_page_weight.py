"""What a player's browser downloads: the first visit, and the next one (from its cache but for the page itself).

Measured on 22 Nov with Chromium: 22 requests and 533 KB on a first visit, nearly all of it NiceGUI's own libraries
and fonts (Quasar 151 KB, Material Icons 126 KB, Tailwind 67 KB, Vue 59 KB, Roboto 34 KB, compressed); every one of
them is cached for a year (NiceGUI versions their addresses), so a second visit downloads only the page, about 9 KB.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import BrowserContext, expect

from .conftest import PageMaker
from .players import open_page


@dataclass
class Visit:
    """The requests of one page load and the bytes each took over the network (none if it came from the cache)."""

    urls: dict[str, str] = field(default_factory=dict)
    network_bytes: dict[str, int] = field(default_factory=dict)
    from_cache: set[str] = field(default_factory=set)

    @property
    def over_the_network(self) -> dict[str, int]:
        return {self.urls[request]: size for request, size in self.network_bytes.items()
                if request not in self.from_cache and request in self.urls}


def visit(context: BrowserContext) -> Visit:
    """Open the welcome page in a new tab of ``context`` and record what it downloads, through Chromium's DevTools."""
    page = context.new_page()
    devtools = context.new_cdp_session(page)
    devtools.send('Network.enable')
    seen = Visit()

    def responded(event: dict[str, Any]) -> None:
        response = event['response']
        if response.get('fromDiskCache') or response.get('fromMemoryCache'):
            seen.from_cache.add(event['requestId'])
    devtools.on('Network.requestWillBeSent', lambda event: seen.urls.__setitem__(event['requestId'],
                                                                                event['request']['url']))
    devtools.on('Network.requestServedFromCache', lambda event: seen.from_cache.add(event['requestId']))
    devtools.on('Network.responseReceived', responded)
    devtools.on('Network.loadingFinished', lambda event: seen.network_bytes.__setitem__(event['requestId'],
                                                                                       event['encodedDataLength']))
    open_page(page, '/')
    expect(page.get_by_text('No scores yet. Be the first!')).to_be_visible()
    page.wait_for_load_state('networkidle')
    page.close()
    return seen


def test_a_first_visit_stays_light_and_the_next_one_downloads_only_the_page(new_page: PageMaker) -> None:
    context = new_page().context
    first = visit(context)
    assert sum(first.over_the_network.values()) < 600_000, first.over_the_network
    assert len(first.urls) <= 24, sorted(first.urls.values())

    second = visit(context)
    assert len(second.over_the_network) == 1, second.over_the_network  # the page itself (never cached: no-store)
    assert sum(second.over_the_network.values()) < 15_000
