"""Dropped connections in a real Chromium: a short drop resumes the page as it was, a long one reloads it into the
same round. The browser reaches the server through a relay that the test can cut, like a network gone for a while.
"""
from __future__ import annotations

import asyncio
import contextlib
import re
import threading
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.server import Server, free_port

from .conftest import PageMaker
from .players import feedback, guess, sign_in


class Relay(threading.Thread):
    """A TCP relay on 127.0.0.1 in front of the server; :meth:`cut` drops every connection and refuses new ones."""

    def __init__(self, target_port: int) -> None:
        super().__init__(daemon=True)
        self.target_port = target_port
        self.port = free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.loop = asyncio.new_event_loop()
        self.refusing_until = 0.0
        self.connections: set[asyncio.StreamWriter] = set()
        self.ready = threading.Event()

    def run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._relay, '127.0.0.1', self.port))
        self.ready.set()
        self.loop.run_forever()
        server.close()
        tasks = asyncio.all_tasks(self.loop)
        for task in tasks:
            task.cancel()
        self.loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        self.loop.close()

    def cut(self, seconds: float) -> None:
        """Drop all connections at once, and refuse new ones for ``seconds``."""
        def drop() -> None:
            self.refusing_until = time.monotonic() + seconds
            for writer in list(self.connections):
                writer.transport.abort()
        self.loop.call_soon_threadsafe(drop)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.join(5)

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if time.monotonic() < self.refusing_until:
            writer.transport.abort()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection('127.0.0.1', self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self.connections |= {writer, upstream_writer}
        await asyncio.gather(self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer))
        self.connections -= {writer, upstream_writer}

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, ConnectionError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.transport.abort()


@pytest.fixture
def relay(server: Server) -> Iterator[Relay]:
    running = Relay(server.port)
    running.start()
    running.ready.wait(5)
    yield running
    running.stop()


def count(page: Page) -> str:
    return page.get_by_text(re.compile(r'^Guesses: ')).inner_text()


def test_a_short_drop_resumes_the_page_without_reloading(new_page: PageMaker, relay: Relay) -> None:
    page = new_page(url=relay.url)
    sign_in(page, name='Commuter', max_number=1_000_000)
    guess(page, '500000')
    page.evaluate('window.stillTheSamePage = 42')  # gone if the page is loaded again

    relay.cut(2)  # the train goes through a tunnel
    expect(page.locator('#popup')).to_have_attribute('aria-hidden', 'false', timeout=3000)  # "Connection lost"
    expect(page.locator('#popup')).to_have_attribute('aria-hidden', 'true', timeout=10_000)  # and back

    assert page.evaluate('window.stillTheSamePage') == 42
    answer = guess(page, '250000')
    assert re.match(r'250,000 is (too (low|high)|correct)', answer)
    assert count(page).startswith('Guesses: 2 ') or 'correct' in answer


def test_a_long_drop_reloads_the_page_into_the_same_round(new_page: PageMaker, relay: Relay) -> None:
    page = new_page(url=relay.url)
    sign_in(page, name='Commuter', max_number=1_000_000)
    for number in ('500000', '250000'):
        guess(page, number)
    page.evaluate('window.stillTheSamePage = 42')
    history = page.get_by_label('Your guesses so far').inner_text()

    relay.cut(9)  # longer than the 5 s the server keeps a silent page
    page.wait_for_function('window.stillTheSamePage === undefined', timeout=30_000)  # the page was loaded again
    expect(feedback(page)).to_have_text('Welcome back: 2 guesses so far. Your turn!', timeout=10_000)
    assert page.get_by_label('Your guesses so far').inner_text() == history
