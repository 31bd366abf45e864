"""The load generator: simulated players against a running server, with the figures that matter.

    python -m tests.load.loadgen --url http://127.0.0.1:8080 --players 300 --rate 1 --duration 30

Players arrive in cohorts: each cohort is a number of players who arrive evenly over ``ramp`` seconds from
``start`` seconds into the run and then guess at ``rate`` guesses a second (0: they open the game and watch its
board). Figures are taken over a measurement window and, per cohort, over any window. The command line runs one
cohort; tests/load/benchmark.py composes several (players already in while newcomers arrive).

Players spread over ``processes`` generator processes: a Python process can only decode so many messages a second,
and a broadcast sends one to every page at once. Their clocks agree (time.monotonic is the same clock for every
process of a machine), so a win seen in one process and its broadcast seen in another can be compared.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil

from .classic.players import ClassicPlayer
from .players import Player, Stats


@dataclass(frozen=True)
class Cohort:
    """Players who arrive together: ``players`` of them over ``ramp`` seconds from ``start`` seconds into the run."""

    players: int
    rate: float = 1.0
    start: float = 0.0
    ramp: float = 10.0
    max_number: int = 100
    design: str = 'hilo'  # 'hilo' or 'classic' (tests/load/classic/): which server the players speak to
    # Its players in a generator process of their own, which the other cohorts' work does not slow down: on one
    # machine, players who measure beside a crowd that loads pages would otherwise measure their own generator too.
    apart: bool = False
    # Its players' generator processes run at the lowest CPU priority (nice 19), so that they take only the CPU the
    # server and the other players leave: on one machine, what browsers on machines of their own would do. A process
    # that also plays another cohort's players keeps its priority.
    yielding: bool = False


@dataclass
class Figures:
    """The outcome of a run, or of one cohort in it; times in milliseconds, rates per second."""

    players: int
    connected: int
    seconds: float
    guesses_per_second: float
    wins: int
    round_trip_ms: dict[str, float]
    broadcasts: int
    broadcast_ms: dict[str, float]
    join_ms: dict[str, float]  # arrival to the game on screen, time in line included
    waited: int  # players who had to wait in line
    wait_ms: dict[str, float]
    server_rss_mb: float = 0.0
    server_rss_per_player_kb: float = 0.0
    server_cpu_percent: float = 0.0
    server_cpu_ms_per_guess: float = 0.0
    generator_cpu_percent: float = 0.0
    errors: int = 0
    first_errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        trip, broadcast, join = self.round_trip_ms, self.broadcast_ms, self.join_ms
        return '\n'.join([
            f'players connected      {self.connected} of {self.players}',
            f'guesses per second     {self.guesses_per_second:.0f} over {self.seconds:.0f} s ({self.wins} wins)',
            f'guess round trip       p50 {trip["p50"]:.1f} ms, p95 {trip["p95"]:.1f} ms, p99 {trip["p99"]:.1f} ms',
            f'broadcast to all pages p50 {broadcast["p50"]:.0f} ms, p99 {broadcast["p99"]:.0f} ms '
            f'({self.broadcasts} top-10 wins)',
            f'joining                p50 {join["p50"]:.0f} ms, p95 {join["p95"]:.0f} ms; {self.waited} waited in line '
            f'(p95 {self.wait_ms["p95"]:.0f} ms)',
            f'server memory          {self.server_rss_mb:.0f} MB RSS, '
            f'{self.server_rss_per_player_kb:.0f} KB more per connected player',
            f'server CPU             {self.server_cpu_percent:.0f}% of one core, '
            f'{self.server_cpu_ms_per_guess:.2f} ms per guess (load generator: {self.generator_cpu_percent:.0f}%)',
            f'errors                 {self.errors}' + ''.join(f'\n  {error}' for error in self.first_errors),
        ])


@dataclass
class Run:
    """What a run measured: every cohort's players, and the server's CPU and memory over the window."""

    cohorts: list[Cohort]
    stats: list[Stats]
    window: tuple[float, float]
    server_cpu_seconds: float
    generator_cpu_seconds: float
    server_rss: float
    baseline_rss: float

    def figures(self, cohorts: list[int] | None = None, window: tuple[float, float] | None = None) -> Figures:
        """The figures of some cohorts (all by default) over a window (the run's measurement window by default)."""
        chosen = range(len(self.cohorts)) if cohorts is None else cohorts
        stats = Stats.merge([self.stats[index] for index in chosen])
        start, end = window or self.window
        seconds = end - start
        inside = lambda moment: start <= moment < end  # noqa: E731
        trips = [trip for sent, trip in stats.round_trips if inside(sent)]
        broadcasts = [max(stats.shown_at[score_id]) - sent for score_id, sent in stats.win_sent_at.items()
                      if inside(sent) and stats.shown_at.get(score_id)]
        joins = [(took, waited) for arrived, took, waited in stats.joins]
        guesses = sum(1 for sent, _ in self.merged().round_trips if self.window[0] <= sent < self.window[1])
        all_seconds = self.window[1] - self.window[0]
        return Figures(
            players=sum(self.cohorts[index].players for index in chosen), connected=stats.connected,
            seconds=seconds, guesses_per_second=len(trips) / seconds,
            wins=sum(1 for moment in stats.wins if inside(moment)),
            round_trip_ms=_percentiles(trips, 50, 95, 99), broadcasts=len(broadcasts),
            broadcast_ms=_percentiles(broadcasts, 50, 99), join_ms=_percentiles([took for took, _ in joins], 50, 95),
            waited=sum(1 for _, waited in joins if waited), wait_ms=_percentiles([w for _, w in joins if w], 50, 95),
            server_rss_mb=self.server_rss / 2**20,
            server_rss_per_player_kb=(self.server_rss - self.baseline_rss) / 1024 / max(1, self.merged().connected),
            server_cpu_percent=100 * self.server_cpu_seconds / all_seconds,
            server_cpu_ms_per_guess=1000 * self.server_cpu_seconds / max(1, guesses),
            generator_cpu_percent=100 * self.generator_cpu_seconds / all_seconds,
            errors=len(stats.errors), first_errors=stats.errors[:5])

    def merged(self) -> Stats:
        return Stats.merge(self.stats)


async def run(*, url: str, cohorts: list[Cohort], window: tuple[float, float], server_pid: int | None = None,
              processes: int = 1, progress: bool = True) -> Run:
    """Bring the cohorts in and measure the server over ``window`` (seconds into the run); players leave at its end.

    With several processes, each cohort's players are dealt out to them in turn; a cohort ``apart`` gets a process
    of its own besides.
    """
    server = [psutil.Process(server_pid)] if server_pid else []
    baseline_rss = sum(process.memory_info().rss for process in server)
    start = time.monotonic() + 1
    until = start + window[1]
    plans = plan(cohorts, processes)
    processes = len(plans)
    with ProcessPoolExecutor(processes) if processes > 1 else nullcontext() as pool:
        workers: list[asyncio.Future[Any]]
        if pool is None:  # one process: this one
            workers = [asyncio.ensure_future(_play(url, plans[0], start, until))]
            generators = [psutil.Process()]
        else:
            workers = [asyncio.get_running_loop().run_in_executor(pool, _work, url, plan, start, until)
                       for plan in plans]
            generators = [psutil.Process(pid) for pid in pool._processes]  # to measure their CPU
        await _sleep_until(start + window[0], progress, 'players arriving')
        server_cpu, generator_cpu = _cpu_seconds(server), _cpu_seconds(generators)
        await _sleep_until(until, progress, 'measuring')
        server_cpu, generator_cpu = _cpu_seconds(server) - server_cpu, _cpu_seconds(generators) - generator_cpu
        rss = sum(process.memory_info().rss for process in server)
        results = await asyncio.gather(*workers)
    per_cohort = [Stats.merge([result[index] if isinstance(result[index], Stats) else Stats.from_json(result[index])
                               for result in results]) for index in range(len(cohorts))]
    return Run(cohorts=cohorts, stats=per_cohort, window=(start + window[0], until), server_cpu_seconds=server_cpu,
               generator_cpu_seconds=generator_cpu, server_rss=rss, baseline_rss=baseline_rss)


def plan(cohorts: list[Cohort], processes: int) -> list[list[tuple[Cohort, list[int]]]]:
    """Which players (numbers within each cohort) each generator process plays: the cohorts not ``apart`` dealt out
    to ``processes`` processes in turn, then one more process for each cohort ``apart``."""
    shared = [[(cohort, [] if cohort.apart else list(range(cohort.players))[index::processes]) for cohort in cohorts]
              for index in range(processes)]
    return shared + [[(cohort, list(range(cohort.players)) if cohort is own else []) for cohort in cohorts]
                     for own in cohorts if own.apart]


def yields(plan: list[tuple[Cohort, list[int]]]) -> bool:
    """Whether a generator process with this plan runs at the lowest CPU priority: all its players are of cohorts
    that yield (see :attr:`Cohort.yielding`)."""
    playing = [cohort for cohort, numbers in plan if numbers]
    return bool(playing) and all(cohort.yielding for cohort in playing)


def _work(url: str, plan: list[tuple[Cohort, list[int]]], start: float, until: float) -> list[dict[str, Any]]:
    """One generator process: run its players and hand back what each cohort measured."""
    if yields(plan):
        os.nice(19)
    return [stats.to_json() for stats in asyncio.run(_play(url, plan, start, until))]


async def _play(url: str, plan: list[tuple[Cohort, list[int]]], start: float, until: float) -> list[Stats]:
    stats = [Stats() for _ in plan]
    tasks = []
    # Player n of a cohort arrives n/players of the way through its ramp, whichever process plays it.
    arrivals = sorted((start + cohort.start + cohort.ramp * number / max(1, cohort.players), index, number)
                      for index, (cohort, numbers) in enumerate(plan) for number in numbers)
    for moment, index, number in arrivals:
        cohort = plan[index][0]
        kind = ClassicPlayer if cohort.design == 'classic' else Player
        player = kind(number + 10_000 * index, url=url, max_number=cohort.max_number, rate=cohort.rate,
                      stats=stats[index])
        await asyncio.sleep(max(0.0, moment - time.monotonic()))
        tasks.append(asyncio.create_task(player.run(until)))
    await asyncio.gather(*tasks)
    return stats


async def _sleep_until(moment: float, progress: bool, doing: str) -> None:
    while (left := moment - time.monotonic()) > 0:
        if progress:
            print(f'  {doing}: {left:.0f} s to go', file=sys.stderr)
        await asyncio.sleep(min(left, 5))


def _cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        times = process.cpu_times()
        total += times.user + times.system
    return total


def _percentiles(samples: list[float], *percentiles: int) -> dict[str, float]:
    """Percentiles of samples given in seconds, in milliseconds (0 when there are no samples)."""
    if not samples:
        return {f'p{q}': 0.0 for q in percentiles}
    if len(samples) == 1:
        return {f'p{q}': samples[0] * 1000 for q in percentiles}
    cuts = statistics.quantiles(samples, n=100, method='inclusive')
    return {f'p{q}': cuts[q - 1] * 1000 for q in percentiles}


def main() -> None:
    parser = argparse.ArgumentParser(prog='python -m tests.load.loadgen', description=__doc__.split('\n')[0])
    parser.add_argument('--url', default='http://127.0.0.1:8080', help='the running server (default: %(default)s)')
    parser.add_argument('--players', type=int, default=100, help='simulated players (default: %(default)s)')
    parser.add_argument('--rate', type=float, default=1.0, help='guesses a second per player (default: %(default)s)')
    parser.add_argument('--duration', type=float, default=30, help='seconds of measurement (default: %(default)s)')
    parser.add_argument('--range', type=int, default=100, help='the range played (default: %(default)s)')
    parser.add_argument('--ramp', type=float, default=10, help='seconds to bring everybody in (default: %(default)s)')
    parser.add_argument('--design', choices=['hilo', 'classic'], default='hilo', help='which server this is')
    parser.add_argument('--processes', type=int, default=1, help='generator processes (default: %(default)s)')
    parser.add_argument('--server-pid', type=int, help='process id of the server, to measure its memory and CPU')
    parser.add_argument('--json', type=Path, help='also write the figures to this JSON file')
    options = parser.parse_args()
    cohort = Cohort(options.players, rate=options.rate, ramp=options.ramp, max_number=options.range,
                    design=options.design)
    settled = options.ramp + 5
    measured = asyncio.run(run(url=options.url, cohorts=[cohort], window=(settled, settled + options.duration),
                               server_pid=options.server_pid, processes=options.processes))
    figures = measured.figures()
    print(figures.summary())
    if options.json:
        options.json.write_text(json.dumps(asdict(figures), indent=2))


if __name__ == '__main__':
    main()
