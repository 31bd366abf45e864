"""The benchmark's scenarios (see tests/load/benchmark.py): each starts fresh servers, runs players and measures.

Every function returns plain dicts (figures as tests/load/loadgen.py computes them), ready for JSON.
"""
from __future__ import annotations

import asyncio
import re
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx
import psutil

from tests.server import Server

from . import seed
from .classic.server import ClassicServer
from .loadgen import Cohort, run

SETTLE = 5.0  # seconds between the last arrival and the start of a measurement


@contextmanager
def serving(design: str, data_dir: Path, *options: str) -> Iterator[tuple[str, int]]:
    """A fresh server of one design: its address and the process id to measure (the classic design's worker)."""
    if design == 'classic':
        with ClassicServer(data_dir) as classic:
            assert classic.worker_pid is not None
            yield classic.url, classic.worker_pid
    else:
        with Server(data_dir, *options) as hilo:
            assert hilo.process is not None
            yield hilo.url, hilo.process.pid


def measure(design: str, data_dir: Path, cohorts: list[Cohort], window: tuple[float, float],
            *options: str) -> dict[str, Any]:
    """One run: the server, the cohorts, the figures over the window (all cohorts, then each one)."""
    players = sum(cohort.players for cohort in cohorts)
    with serving(design, data_dir, *options) as (url, pid):
        measured = asyncio.run(run(url=url, cohorts=cohorts, window=window, server_pid=pid,
                                   processes=2 if players >= 200 else 1, progress=False))
    return {'all': asdict(measured.figures()),
            'cohorts': [asdict(measured.figures([index])) for index in range(len(cohorts))],
            'window': [measured.window[0], measured.window[1]], 'run': measured}


def sweep(folder: Path, *, sizes: list[int], duration: float) -> list[dict[str, Any]]:
    """Players at one guess a second on 1–100, arriving at ten a second; Hi-Lo and the classic design."""
    return [run for size in sizes for run in _both_designs(folder / str(size), players=size, rate=1.0,
                                                           duration=duration)]


def busy(folder: Path, *, duration: float, players: int = 300, rate: float = 4.0) -> list[dict[str, Any]]:
    """The same players, guessing as often as the server answers them: each thinks a quarter of a second on average
    after an answer. 300 players then ask more than either design answers, so guesses/s is each one's capacity at
    that many players (at one guess a second, 300 players make only about 260: Hi-Lo answers them all)."""
    return [{**run, 'rate': rate} for run in _both_designs(folder, players=players, rate=rate, duration=duration)]


def _both_designs(folder: Path, *, players: int, rate: float, duration: float) -> list[dict[str, Any]]:
    """The same players, arriving at ten a second, against Hi-Lo and then the classic design: one result each."""
    results = []
    ramp = players / 10
    for design in ('hilo', 'classic'):
        outcome = measure(design, folder / design, [Cohort(players, rate=rate, ramp=ramp, design=design)],
                          (ramp + SETTLE, ramp + SETTLE + duration))
        results.append({'design': design, 'players': players, **outcome['all']})
    return results


def joins(folder: Path, *, duration: float) -> dict[str, Any]:
    """1,000 players arriving within 60 s, each playing (a guess every 3 s) once in."""
    outcome = measure('hilo', folder / 'joins', [Cohort(1000, rate=1 / 3, ramp=60, max_number=1000)],
                      (0, 60 + SETTLE))
    return outcome['all']


def join_cost(folder: Path, *, duration: float) -> dict[str, Any]:
    """Server CPU per player joining (welcome page, sign-in, game page, socket): 300 arrive in 30 s and watch.

    All the server's CPU while they arrive counts, so the figure includes what the pages already open cost
    meanwhile (see ``idle``: a few percent of a core for a thousand of them).
    """
    players, ramp = 300, 30.0
    outcome = measure('hilo', folder / 'join-cost', [Cohort(players, rate=0, ramp=ramp)], (0, ramp + 2))
    figures = outcome['all']
    figures['server_cpu_ms_per_join'] = 1000 * outcome['run'].server_cpu_seconds / max(1, figures['connected'])
    return figures


def overload(folder: Path, *, duration: float) -> dict[str, Any]:
    """While 200 players play, newcomers arrive at twice the rate the server lets them in (20 a second).

    On one machine the newcomers' browsers and the server share two cores: the newcomers' generator processes yield
    the CPU to the server (``Cohort.yielding``), as browsers on machines of their own would. It brings about 40 a
    second that way (without yielding, 45–57 a second, with the server waiting for a core half of the time: see the
    README, "Past capacity"), so the server lets in 20.
    """
    admitted, arriving_for = 20, 12.0
    settled = 20 + SETTLE
    playing = Cohort(200, rate=1.0, ramp=20, apart=True)  # (the newcomers' generator would slow their measures)
    newcomers = Cohort(int(2 * admitted * arriving_for), rate=0, start=settled, ramp=arriving_for, yielding=True)
    outcome = measure('hilo', folder / 'overload', [playing, newcomers], (settled, settled + arriving_for + 30),
                      '--joins-per-second', str(admitted))
    run_ = outcome['run']
    during = (run_.window[0], run_.window[0] + arriving_for)
    last_in = max((arrived + took for arrived, took, _ in run_.stats[1].joins), default=run_.window[0])
    arrivals = sorted(arrived for arrived, _, _ in run_.stats[1].joins)  # as they happened, however late
    arrived_per_second = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0]) if len(arrivals) > 1 else 0.0
    return {'admitted_per_second': admitted, 'arriving_per_second': 2 * admitted, 'arriving_for': arriving_for,
            'arrived_per_second': arrived_per_second,
            'players_already_in': asdict(run_.figures([0], during)),
            'newcomers': outcome['cohorts'][1],
            'all_in_after_arrivals_ended_s': max(0.0, last_in - during[1])}


def broadcast(folder: Path, *, duration: float) -> dict[str, Any]:
    """1,000 open game pages of 1–1,000, 20 of them guessing: how long until a new top 10 is on every page."""
    ramp = 100.0
    outcome = measure('hilo', folder / 'broadcast', [Cohort(980, rate=0, ramp=ramp, max_number=1000),
                                                      Cohort(20, rate=1.0, start=ramp, ramp=2, max_number=1000)],
                      (ramp + SETTLE, ramp + SETTLE + duration))
    return outcome['all']


def first_visits(folder: Path, *, duration: float, visitors: int = 200) -> dict[str, Any]:
    """Server CPU per first visit: the welcome page and every file it asks for, as a browser with an empty cache.

    (join-cost's players are browsers that have been here before: they load the page but no files.) The visitors
    come one after the other, each with fresh cookies, and ask for what Chromium asks for, gzip accepted.
    """
    with serving('hilo', folder / 'first-visits') as (url, pid), \
            httpx.Client(base_url=url, headers={'accept-encoding': 'identity'}) as probe:
        files = sorted(set(FILES.findall(_load(probe, '/').decode())))
        server = psutil.Process(pid)
        before, bytes_sent = server.cpu_times(), 0
        for _ in range(visitors):
            with httpx.Client(base_url=url, headers={'accept-encoding': 'gzip, deflate, br, zstd'}) as browser:
                for address in ['/', *files]:
                    bytes_sent += len(_load(browser, address))
        after = server.cpu_times()
    cpu = after.user + after.system - before.user - before.system
    return {'visitors': visitors, 'requests_per_visit': 1 + len(files), 'kb_per_visit': bytes_sent / visitors / 1024,
            'server_cpu_ms_per_visit': 1000 * cpu / visitors}


FILES = re.compile(r'(?:src|href)="(/_nicegui/[^"]+|/assets/[^"]+)"')  # what a page's HTML asks the browser to load


def _load(browser: httpx.Client, address: str) -> bytes:
    """GET as a browser does (a busy server's waiting room, 503 with Retry-After, is waited out); returns the body
    as it came over the network (compressed, if it was)."""
    while True:
        with browser.stream('GET', address) as answer:
            body = b''.join(answer.iter_raw())
        if answer.status_code != 503 or 'retry-after' not in answer.headers:
            answer.raise_for_status()
            return body
        time.sleep(float(answer.headers['retry-after']))


def idle(folder: Path, *, duration: float) -> dict[str, Any]:
    """1,000 open game pages, nobody guessing: what they cost the server in CPU and memory."""
    ramp = 100.0
    outcome = measure('hilo', folder / 'idle', [Cohort(1000, rate=0, ramp=ramp)],
                      (ramp + SETTLE, ramp + SETTLE + duration))
    return outcome['all']


def startup(folder: Path, *, duration: float) -> dict[str, float]:
    """Seconds from ``python main.py`` to its first page served, five times."""
    times = []
    for attempt in range(5):
        server = Server(folder / f'startup-{attempt}')
        try:
            times.append(server.start())
        finally:
            server.stop()
    return {'median_s': statistics.median(times), 'slowest_s': max(times)}


def top_ten(folder: Path, *, scores: int) -> dict[str, float]:
    """Reading a top 10 through the game's own code with ``scores`` scores stored."""
    database = folder / 'seeded.sqlite3'
    seed.seed(database, scores=scores, ranges=[100, 1000, 1_000_000])
    reads = asyncio.run(seed.time_top_ten(database, max_number=100))
    return {'scores': scores, 'median_ms': statistics.median(reads) * 1000, 'slowest_ms': max(reads) * 1000}
