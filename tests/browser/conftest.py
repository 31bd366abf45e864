"""Browser tests: Debian's Chromium, driven by Playwright, against a real server with a fresh database."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, StorageState, sync_playwright

from tests.server import Server

from .players import record_frames

CHROMIUM = Path('/usr/bin/chromium')
# Without the networking flags, Chromium keeps trying to reach Google's servers, which this network refuses.
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                 '--no-first-run', '--disable-sync']
INSTALL_HINT = 'install it with: sudo apt-get install chromium (Debian or Ubuntu)'


@pytest.fixture(scope='module')
def browser() -> Iterator[Browser]:
    """One Chromium per test module; each test gets fresh contexts (like fresh browser profiles).

    Playwright's synchronous API keeps an event loop of its own while it runs, so it is closed after each module
    to leave the asyncio tests that follow a clean thread.
    """
    if not CHROMIUM.exists():
        if os.environ.get('HILO_REQUIRE_BROWSER'):  # set by .ci/run: in CI these tests must run, never skip
            pytest.fail(f'HILO_REQUIRE_BROWSER is set but {CHROMIUM} is missing; {INSTALL_HINT}')
        pytest.skip(f'browser tests need Chromium at {CHROMIUM}; {INSTALL_HINT}')
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """The real game on a free port of 127.0.0.1, with its own fresh data folder."""
    with Server(tmp_path / 'data') as running:
        yield running


@pytest.fixture
def new_page(browser: Browser, server: Server) -> Iterator[PageMaker]:
    """Open pages in fresh browser contexts; every dialog that opens anywhere is recorded in ``dialogs``."""
    maker = PageMaker(browser, server)
    yield maker
    maker.close()


@pytest.fixture
def page(new_page: PageMaker) -> Page:
    """A page in a fresh context of a desktop-sized browser."""
    return new_page()


class PageMaker:
    """Makes pages, each in its own browser context, and remembers every dialog any of them opened."""

    def __init__(self, browser: Browser, server: Server) -> None:
        self.browser = browser
        self.server = server
        self.dialogs: list[str] = []
        self.contexts: list[BrowserContext] = []

    def __call__(self, *, width: int = 1000, height: int = 900, storage_state: StorageState | None = None,
                 url: str | None = None, color_scheme: Literal['light', 'dark'] = 'light',
                 reduced_motion: Literal['reduce', 'no-preference'] = 'no-preference') -> Page:
        context = self.browser.new_context(base_url=url or self.server.url, viewport={'width': width, 'height': height},
                                           storage_state=storage_state, color_scheme=color_scheme,
                                           reduced_motion=reduced_motion)
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on('dialog', self._record)
        record_frames(page)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()

    def _record(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()
