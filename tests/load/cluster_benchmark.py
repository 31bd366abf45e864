"""The cluster benchmark: the same load through HAProxy to one Hi-Lo instance, then to two, on PostgreSQL and Redis.

    python -m tests.load.cluster_benchmark                                 # 300 players, 20 s per setup
    python -m tests.load.cluster_benchmark --players 20 --duration 10      # a quick check that it runs

For each number of instances (``--instances 1,2``) it starts what ``python -m deploy.cluster`` starts (PostgreSQL
with its usual durability, Redis, the instances, HAProxy with the per-address limits lifted, since every simulated
player comes from 127.0.0.1), runs the load generator (tests/load/loadgen.py) through the proxy, and stops it all.
Meanwhile a probe (tests/load/cross_probe.py) wins rounds on the first instance while watchers sit on the last one,
to time a win's trip between instances (with one instance, the same trip without Redis in it).

It prints, and writes to ``--out`` (results.md, results.json): players held, guesses a second, the guess round trip,
the broadcast to every open page (the load generator's figure), the broadcast across instances (the probe's), and
the CPU of every part over the measured seconds, in % of one core. Everything runs on this machine, the load
generator too: on 2 cores, the parts compete for them, which the CPU columns show.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import psutil
import redis.asyncio

from deploy.cluster import Instance
from deploy.services import HAProxy, Postgres, Redis, Service

from . import cross_probe, loadgen

SETTLE = 5.0  # seconds between the end of the ramp and the start of the measurement (as loadgen.run's default)
Parts = dict[str, Sequence[Service]]  # the running services, by part: 'instances', 'postgres', 'redis', 'haproxy'


@dataclass
class Setup:
    """What one setup measured."""

    instances: int
    figures: loadgen.Figures
    across_ms: dict[str, float]  # the probe's wins: p50, p99, max
    across_wins: int
    across_missed: int
    cpu_percent: dict[str, float]  # of one core, per part, over the measured seconds
    rss_mb: dict[str, float]  # per part, at the end
    redis_clients: int  # connections to Redis at the end of the measured seconds (NiceGUI's storage holds some)


def main() -> None:
    parser = argparse.ArgumentParser(prog='python -m tests.load.cluster_benchmark', description=__doc__.split('\n')[0])
    parser.add_argument('--instances', default='1,2', help='setups to measure, by instances (default: %(default)s)')
    parser.add_argument('--players', type=int, default=300, help='simulated players (default: %(default)s)')
    parser.add_argument('--rate', type=float, default=1.0, help='guesses a second per player (default: %(default)s)')
    parser.add_argument('--duration', type=float, default=20, help='seconds measured per setup (default: %(default)s)')
    parser.add_argument('--ramp', type=float, help='seconds to bring the players in (default: 10 players a second, '
                                                   'at least 5 s)')
    parser.add_argument('--processes', type=int, default=0,
                        help='load generator processes (default: 2 from 300 players on, else 1)')
    parser.add_argument('--out', type=Path, default=Path('bench-results/cluster'), help='where to write the report')
    options = parser.parse_args()
    processes = options.processes or (2 if options.players >= 300 else 1)
    ramp = options.ramp if options.ramp is not None else max(5.0, options.players / 10)  # as tests/load/benchmark.py
    setups = [measure(count, players=options.players, rate=options.rate, duration=options.duration, ramp=ramp,
                      processes=processes) for count in (int(part) for part in options.instances.split(','))]
    results = {'machine': _machine(), 'players': options.players, 'rate': options.rate,
               'setups': [asdict(setup) for setup in setups]}
    options.out.mkdir(parents=True, exist_ok=True)
    (options.out / 'results.json').write_text(json.dumps(results, indent=2))
    (options.out / 'results.md').write_text(report(results))
    print(report(results))
    print(f'written to {options.out}/', file=sys.stderr)


def measure(count: int, *, players: int, rate: float, duration: float, ramp: float, processes: int) -> Setup:
    """Start a cluster of ``count`` instances, put the load through its proxy, and stop it."""
    print(f'== {count} instance{"s" * (count > 1)}, {players} players', file=sys.stderr)
    # PostgreSQL as root runs as the postgres user, which must be able to enter the folder.
    folder = Path(tempfile.mkdtemp(prefix='hilo-cluster-bench-'))
    folder.chmod(0o711)
    try:
        with ExitStack() as stack:
            postgres = stack.enter_context(Postgres(folder / 'postgres', max_connections=100))
            redis = stack.enter_context(Redis(folder / 'redis'))
            secret = secrets.token_urlsafe(32)
            instances = [Instance(folder / f'instance-{number}', database_url=postgres.url, redis_url=redis.url,
                                  secret=secret, label=f'Hi-Lo {number}') for number in range(1, count + 1)]
            for instance in instances:
                stack.callback(instance.stop)
                instance.launch()
            for instance in instances:
                instance.wait_ready(timeout=60)
            proxy = stack.enter_context(HAProxy(folder / 'haproxy', [instance.port for instance in instances],
                                                max_connections_per_address=1_000_000,
                                                max_requests_per_address=10_000_000))
            parts: Parts = {'instances': instances, 'postgres': [postgres], 'redis': [redis], 'haproxy': [proxy]}
            return asyncio.run(_run(count, parts, proxy_url=proxy.url, redis_url=redis.url,
                                    winners_url=instances[0].url, watchers_url=instances[-1].url, players=players,
                                    rate=rate, duration=duration, ramp=ramp, processes=processes))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def _run(count: int, parts: Parts, *, proxy_url: str, redis_url: str, winners_url: str, watchers_url: str,
               players: int, rate: float, duration: float, ramp: float, processes: int) -> Setup:
    # loadgen.run measures from 1 s after it is called, plus the ramp and the settling time, for ``duration``.
    start = time.monotonic() + 1 + ramp + SETTLE
    window = (start, start + duration)
    cpu = asyncio.create_task(_cpu_between(parts, *window))
    clients = asyncio.create_task(_redis_clients(redis_url, at=window[1]))
    probe = asyncio.create_task(cross_probe.across(winners_url=winners_url, watchers_url=watchers_url,
                                                   start=window[0], until=window[1]))
    measured = await loadgen.run(url=proxy_url, cohorts=[loadgen.Cohort(players, rate=rate, ramp=ramp)],
                                 window=(ramp + SETTLE, ramp + SETTLE + duration), processes=processes, progress=False)
    figures = measured.figures()
    latencies, missed = await probe
    return Setup(instances=count, figures=figures, across_ms=_percentiles(latencies), across_wins=len(latencies),
                 across_missed=missed, cpu_percent=await cpu,
                 rss_mb={name: _rss(services) / 2**20 for name, services in parts.items()}, redis_clients=await clients)


async def _redis_clients(url: str, *, at: float) -> int:
    await asyncio.sleep(max(0.0, at - time.monotonic()))
    client = redis.asyncio.Redis.from_url(url)
    try:
        return int((await client.info('clients'))['connected_clients']) - 1  # not counting this one
    finally:
        await client.aclose()


async def _cpu_between(parts: Parts,
                       start: float, end: float) -> dict[str, float]:
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    before = {name: _cpu_seconds(services) for name, services in parts.items()}
    await asyncio.sleep(max(0.0, end - time.monotonic()))
    after = {name: _cpu_seconds(services) for name, services in parts.items()}
    return {name: 100 * (after[name] - before[name]) / (end - start) for name in parts}


def _processes(services: Sequence[Service]) -> list[psutil.Process]:
    """Every process of these services: PostgreSQL is a process per connection, children of the first."""
    found = []
    for service in services:
        if isinstance(service, Service) and service.process is not None:
            main = psutil.Process(service.process.pid)
            found += [main, *main.children(recursive=True)]
    return found


def _cpu_seconds(services: Sequence[Service]) -> float:
    total = 0.0
    for process in _processes(services):
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:  # a PostgreSQL backend that ended meanwhile
            continue
        total += times.user + times.system
    return total


def _rss(services: Sequence[Service]) -> int:
    total = 0
    for process in _processes(services):
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    if not ordered:
        return {'p50': 0.0, 'p99': 0.0, 'max': 0.0}
    pick = lambda share: ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] * 1000  # noqa: E731
    return {'p50': pick(0.5), 'p99': pick(0.99), 'max': ordered[-1] * 1000}


def _machine() -> dict[str, object]:
    return {'date': datetime.now(UTC).strftime('%Y-%m-%d'), 'cpus': os.cpu_count(),
            'cpu': platform.processor() or platform.machine(),
            'memory_gb': round(psutil.virtual_memory().total / 2**30), 'python': platform.python_version()}


def report(results: dict) -> str:
    """The results as a Markdown table with a line on the machine."""
    machine = results['machine']
    lines = [
        f'Measured on {machine["date"]}: {machine["cpus"]} cores ({machine["cpu"]}), {machine["memory_gb"]} GB, '
        f'Python {machine["python"]}; PostgreSQL, Redis, HAProxy, the instances and the load generator all on this '
        f'machine. {results["players"]} players at {results["rate"]:g} guesses a second each, through HAProxy.',
        '',
        '| Instances | Players held | Guesses/s | Round trip p50 / p95 / p99 (ms) | Broadcast to all pages p50 / p99 '
        '(ms) | First to last instance p50 / p99 / max (ms) | CPU % of one core: instances / PostgreSQL / Redis / '
        'HAProxy / load generator | Errors |',
        '|---:|---:|---:|---|---|---|---|---:|',
    ]
    for setup in results['setups']:
        figures, across, cpu = setup['figures'], setup['across_ms'], setup['cpu_percent']
        trip, broadcast = figures['round_trip_ms'], figures['broadcast_ms']
        missed = f', {setup["across_missed"]} never arrived' if setup['across_missed'] else ''
        lines.append(
            f'| {setup["instances"]} | {figures["connected"]} of {figures["players"]} '
            f'| {figures["guesses_per_second"]:.0f} | {trip["p50"]:.1f} / {trip["p95"]:.1f} / {trip["p99"]:.1f} '
            f'| {broadcast["p50"]:.0f} / {broadcast["p99"]:.0f} ({figures["broadcasts"]} wins) '
            f'| {across["p50"]:.0f} / {across["p99"]:.0f} / {across["max"]:.0f} ({setup["across_wins"]} wins{missed}) '
            f'| {cpu["instances"]:.0f} / {cpu["postgres"]:.0f} / {cpu["redis"]:.0f} / {cpu["haproxy"]:.0f} '
            f'/ {figures["generator_cpu_percent"]:.0f} | {figures["errors"]} |')
    lines.append('')
    lines += [f'- {setup["instances"]} instance{"s" * (setup["instances"] > 1)}: memory (RSS) at the end: '
              + ', '.join(f'{name} {mb:.0f} MB' for name, mb in setup['rss_mb'].items())
              + f'; {setup["redis_clients"]} connections to Redis' for setup in results['setups']]
    lines += ['', '"Broadcast to all pages": from a top-10 winning guess to the last open page of its range showing it '
              '(the load generator\'s figure, pages on every instance). "First to last instance": from a probe\'s '
              'winning guess on the first instance to two watching pages on the last one showing it, through Redis '
              '(with one instance, the same trip inside it).']
    return '\n'.join(lines) + '\n'


if __name__ == '__main__':
    main()
