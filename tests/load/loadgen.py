"""The load generator: many simulated players against a running Hi-Lo server, with the figures that matter.

    python -m tests.load.loadgen --url http://127.0.0.1:8080 --players 300 --rate 1 --duration 30

Players join gradually (``--ramp`` seconds), play by binary search at ``--rate`` guesses a second each, and a line of
progress appears every few seconds. At the end it prints connected players, guesses a second, the guess round trip
(p50/p95/p99), the broadcast latency of top-10 wins (p50/p99, until the last open page of the range showed it),
the server's memory and CPU, and the errors; ``--json FILE`` writes the same figures as JSON.

A Python process can only decode so many messages a second, and a broadcast sends one to every page at once, so
``--processes`` spreads the players over several processes. Their clocks agree (time.monotonic is the same clock
for every process of a machine), so a win seen in one process and its broadcast seen in another can be compared.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

from .players import Player, Stats


@dataclass
class Figures:
    """The outcome of one load run; times in milliseconds."""

    players: int
    connected: int
    guessing: int
    rate_per_player: float
    seconds: float
    guesses_per_second: float
    wins: int
    round_trip_ms: dict[str, float]
    broadcasts: int
    broadcast_ms: dict[str, float]
    server_rss_mb: float
    server_rss_per_player_kb: float
    server_cpu_percent: float
    generator_cpu_percent: float
    errors: int
    first_errors: list[str]

    def summary(self) -> str:
        trip, broadcast = self.round_trip_ms, self.broadcast_ms
        return '\n'.join([
            f'players connected      {self.connected} of {self.players} '
            f'({self.guessing} guessing at {self.rate_per_player:g} a second each, the others watching)',
            f'guesses per second     {self.guesses_per_second:.0f} over {self.seconds:.0f} s ({self.wins} wins)',
            f'guess round trip       p50 {trip["p50"]:.1f} ms, p95 {trip["p95"]:.1f} ms, p99 {trip["p99"]:.1f} ms',
            f'broadcast to all pages p50 {broadcast["p50"]:.0f} ms, p99 {broadcast["p99"]:.0f} ms '
            f'({self.broadcasts} top-10 wins)',
            f'server memory          {self.server_rss_mb:.0f} MB RSS, '
            f'{self.server_rss_per_player_kb:.0f} KB more per connected player',
            f'server CPU             {self.server_cpu_percent:.0f}% of one core '
            f'(load generator: {self.generator_cpu_percent:.0f}%)',
            f'errors                 {self.errors}' + ''.join(f'\n  {error}' for error in self.first_errors),
        ])


@dataclass(frozen=True)
class Plan:
    """What one generator process does: which players, and when (time.monotonic values)."""

    url: str
    players: int
    numbers: list[int]
    ranges: list[int]
    rate: float
    active: int | None
    ramp_from: float
    ramp_until: float
    play_until: float


async def run(*, url: str, players: int, rate: float, duration: float, ranges: list[int], ramp: float,
              active: int | None = None, processes: int = 1, server_pid: int | None = None, settle: float = 5,
              progress: bool = True) -> Figures:
    """Ramp up ``players`` over ``ramp`` seconds, keep them playing for ``duration`` seconds, and measure.

    Only the last ``active`` players to join guess (all of them if ``None``); the others keep the game page open
    and watch its board, which is how broadcasts to many pages are measured without a flood of guesses. The
    guessing players come last so that their first wins, each a new top 10 on a fresh board, fall in the window.
    The measurement window starts once everybody had time to join: after the ramp and ``settle`` seconds more.
    """
    server = [psutil.Process(server_pid)] if server_pid else []
    baseline_rss = sum(process.memory_info().rss for process in server)
    start = time.monotonic() + 1
    window = (start + ramp + settle, start + ramp + settle + duration)
    plans = [Plan(url=url, players=players, numbers=list(range(players))[index::processes], ranges=ranges, rate=rate,
                  active=active, ramp_from=start, ramp_until=start + ramp, play_until=window[1])
             for index in range(processes)]
    with ProcessPoolExecutor(processes) if processes > 1 else nullcontext() as pool:
        workers: list[asyncio.Future[Stats | dict]]
        if pool is None:  # one process: this one
            workers = [asyncio.ensure_future(_play(plans[0]))]
            generators = [psutil.Process()]
        else:
            workers = [asyncio.get_running_loop().run_in_executor(pool, _work, plan) for plan in plans]
            generators = [psutil.Process(pid) for pid in pool._processes]  # to measure their CPU
        await _sleep_until(window[0], progress, 'players joining')
        server_cpu, generator_cpu = _cpu_seconds(server), _cpu_seconds(generators)
        await _sleep_until(window[1], progress, 'measuring')
        server_cpu, generator_cpu = _cpu_seconds(server) - server_cpu, _cpu_seconds(generators) - generator_cpu
        rss = sum(process.memory_info().rss for process in server)
        results = await asyncio.gather(*workers)
    stats = Stats.merge([result if isinstance(result, Stats) else Stats.from_json(result) for result in results])
    seconds = window[1] - window[0]
    inside = lambda moment: window[0] <= moment < window[1]  # noqa: E731
    trips = [trip for sent, trip in stats.round_trips if inside(sent)]
    broadcasts = [max(stats.shown_at[score_id]) - sent for score_id, sent in stats.win_sent_at.items()
                  if inside(sent) and stats.shown_at.get(score_id)]
    return Figures(
        players=players, connected=stats.connected, guessing=players if active is None else min(active, players),
        rate_per_player=rate, seconds=seconds,
        guesses_per_second=sum(1 for sent, _ in stats.round_trips if inside(sent)) / seconds,
        wins=sum(1 for moment in stats.wins if inside(moment)),
        round_trip_ms={f'p{q}': _ms(trips, q) for q in (50, 95, 99)},
        broadcasts=len(broadcasts), broadcast_ms={f'p{q}': _ms(broadcasts, q) for q in (50, 99)},
        server_rss_mb=rss / 2**20, server_rss_per_player_kb=(rss - baseline_rss) / 1024 / max(1, stats.connected),
        server_cpu_percent=100 * server_cpu / seconds, generator_cpu_percent=100 * generator_cpu / seconds,
        errors=len(stats.errors), first_errors=stats.errors[:5],
    )


def _work(plan: Plan) -> dict:
    """One generator process: run its players and hand back everything they measured."""
    return asyncio.run(_play(plan)).to_json()


async def _play(plan: Plan) -> Stats:
    stats = Stats()
    tasks = []
    for count, number in enumerate(plan.numbers):
        guessing = plan.active is None or number >= plan.players - plan.active
        player = Player(number, url=plan.url, max_number=plan.ranges[number % len(plan.ranges)],
                        rate=plan.rate if guessing else 0, stats=stats)
        await asyncio.sleep(max(0.0, plan.ramp_from + (plan.ramp_until - plan.ramp_from) * count / len(plan.numbers)
                                - time.monotonic()))
        tasks.append(asyncio.create_task(player.run(plan.play_until)))
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


def _ms(samples: list[float], percentile: int) -> float:
    """A percentile of samples given in seconds, in milliseconds (0 when there are no samples)."""
    if not samples:
        return 0.0
    if len(samples) == 1:
        return samples[0] * 1000
    return statistics.quantiles(samples, n=100, method='inclusive')[percentile - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(prog='python -m tests.load.loadgen', description=__doc__.split('\n')[0])
    parser.add_argument('--url', default='http://127.0.0.1:8080', help='the running server (default: %(default)s)')
    parser.add_argument('--players', type=int, default=100, help='simulated players (default: %(default)s)')
    parser.add_argument('--rate', type=float, default=1.0, help='guesses a second per player (default: %(default)s)')
    parser.add_argument('--active', type=int, help='how many players guess; the others watch (default: all)')
    parser.add_argument('--duration', type=float, default=30, help='seconds of measurement (default: %(default)s)')
    parser.add_argument('--ranges', default='100', help='comma-separated ranges to play (default: %(default)s)')
    parser.add_argument('--ramp', type=float, default=10, help='seconds to bring everybody in (default: %(default)s)')
    parser.add_argument('--processes', type=int, default=1, help='generator processes (default: %(default)s)')
    parser.add_argument('--server-pid', type=int, help='process id of the server, to measure its memory and CPU')
    parser.add_argument('--json', type=Path, help='also write the figures to this JSON file')
    options = parser.parse_args()
    figures = asyncio.run(run(url=options.url, players=options.players, rate=options.rate, duration=options.duration,
                              ranges=[int(part) for part in options.ranges.split(',')], ramp=options.ramp,
                              active=options.active, processes=options.processes, server_pid=options.server_pid))
    print(figures.summary())
    if options.json:
        options.json.write_text(json.dumps(asdict(figures), indent=2))


if __name__ == '__main__':
    main()
