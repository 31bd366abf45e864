"""NiceGUI's own floor: what a page that does almost nothing costs the server, with the same protocol as Hi-Lo.

    python -m tests.load.floor                 # 300 pages, 1 "guess" a second each

It starts a minimal NiceGUI app in a separate process (an input, a label; Enter puts the input's text into the label
and clears the input, as Hi-Lo's guess box does, but no rules, no database, no score board) and drives it with the
load generator's browserless pages. What it prints is what any NiceGUI app pays per event and per open page on this
machine, before doing anything of its own; Hi-Lo's figures (``python -m tests.load.benchmark``) sit on top of it.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time

import httpx
import psutil

from tests.server import free_port, server_environment

from .browserless import Page

APP = '''
from nicegui import ui

@ui.page('/')
def page():
    box = ui.input('Your guess')
    answer = ui.label('Type a guess and press Enter.').props('role=status')
    def submit():
        answer.text = f'{box.value} is too low: the number is higher.'
        box.value = ''
    box.on('keydown.enter', submit)

ui.run(port=int(__import__('sys').argv[1]), show=False, reload=False, show_welcome_message=False)
'''


async def measure(*, pages: int, rate: float, seconds: float) -> dict[str, float]:
    """Open ``pages`` pages of the minimal app, let each send ``rate`` guesses a second, and measure the server."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(sys.executable, '-c', APP, str(port), env=server_environment())
    server = psutil.Process(process.pid)
    try:
        async with httpx.AsyncClient(base_url=f'http://127.0.0.1:{port}') as http:
            for _ in range(100):
                try:
                    await http.get('/')
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            baseline = server.memory_info().rss
            opened = [Page(httpx.AsyncClient(base_url=f'http://127.0.0.1:{port}')) for _ in range(pages)]
            for page in opened:
                await page.open('/')
            await asyncio.sleep(2)
            per_page = (server.memory_info().rss - baseline) / pages
            trips: list[float] = []
            until = time.monotonic() + seconds
            cpu = sum(server.cpu_times()[:2])
            await asyncio.gather(*[_guess_until(page, until, rate, trips) for page in opened])
            cpu = sum(server.cpu_times()[:2]) - cpu
            for page in opened:
                await page.close()
                await page.http.aclose()
    finally:
        process.terminate()
        await process.wait()
    return {'pages': pages, 'guesses_per_second': len(trips) / seconds,
            'server_cpu_ms_per_guess': cpu / max(1, len(trips)) * 1000, 'server_kb_per_page': per_page / 1024,
            'round_trip_p50_ms': statistics.median(trips) * 1000 if trips else 0.0}


async def _guess_until(page: Page, until: float, rate: float, trips: list[float]) -> None:
    box, answer = page.find(label='Your guess'), page.find(role='status')  # the floor's page has one status line
    while time.monotonic() < until:
        await asyncio.sleep(random.expovariate(rate))
        before = page.text(answer)
        await page.emit(box, 'update:value', str(random.randint(1, 1_000_000)))
        sent = await page.emit(box, 'keydown', {'key': 'Enter'})
        await page.wait_for(lambda before=before: page.text(answer) != before)  # type: ignore[misc]
        trips.append(time.monotonic() - sent)


def main() -> None:
    parser = argparse.ArgumentParser(prog='python -m tests.load.floor', description=__doc__.split('\n')[0])
    parser.add_argument('--pages', type=int, default=300, help='open pages (default: %(default)s)')
    parser.add_argument('--rate', type=float, default=1.0, help='guesses a second per page (default: %(default)s)')
    parser.add_argument('--seconds', type=float, default=20, help='seconds of guessing (default: %(default)s)')
    options = parser.parse_args()
    figures = asyncio.run(measure(pages=options.pages, rate=options.rate, seconds=options.seconds))
    print(f'minimal NiceGUI app, {figures["pages"]} pages: {figures["guesses_per_second"]:.0f} guesses/s, '
          f'{figures["server_cpu_ms_per_guess"]:.2f} ms of server CPU per guess, '
          f'round trip p50 {figures["round_trip_p50_ms"]:.1f} ms, {figures["server_kb_per_page"]:.0f} KB per open page')


if __name__ == '__main__':
    main()
