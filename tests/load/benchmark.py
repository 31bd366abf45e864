"""The benchmark: the real server on a fresh database, the load generator at several sizes, and a report.

    python -m tests.load.benchmark                # 10, 100, 300 and 1,000 players; a few minutes
    python -m tests.load.benchmark --sizes 10,100 --duration 10

For each size it starts ``python main.py`` on a fresh data folder, brings the players in, measures, and stops the
server. Then it measures what the players do not show: 1,000 idle players (what they cost), 1,000 players of whom 20
guess (how fast a new top-10 score reaches all the open pages), the time from ``python main.py`` to the first page,
and the time to read a top 10 with 1,000,000 scores stored. It writes ``results.md`` (a table), ``results.json``
and ``results.png`` (players against round trip, memory and CPU) to ``--out`` (default: bench-results/).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import psutil

from tests.server import Server

from . import loadgen, seed


def main() -> None:
    parser = argparse.ArgumentParser(prog='python -m tests.load.benchmark', description=__doc__.split('\n')[0])
    parser.add_argument('--sizes', default='10,100,300,1000', help='players per run (default: %(default)s)')
    parser.add_argument('--duration', type=float, default=20, help='seconds measured per run (default: %(default)s)')
    parser.add_argument('--range', type=int, default=100, help='the range the players play (default: %(default)s)')
    parser.add_argument('--scores', type=int, default=1_000_000, help='scores stored for the top-10 read time')
    parser.add_argument('--out', type=Path, default=Path('bench-results'), help='where to write the report')
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    sizes = [int(part) for part in options.sizes.split(',')]

    with tempfile.TemporaryDirectory(prefix='hilo-bench-') as scratch:
        folder = Path(scratch)
        runs = [_load_run(folder / f'players-{size}', players=size, duration=options.duration, ranges=[options.range])
                for size in sizes]
        idle = _load_run(folder / 'idle', players=max(sizes), duration=options.duration, ranges=[1000], active=0)
        watching = _load_run(folder / 'watching', players=max(sizes), duration=options.duration, ranges=[1000],
                             active=20)
        startup = [_startup_seconds(folder / f'startup-{attempt}') for attempt in range(5)]
        seeded = folder / 'seeded.sqlite3'
        print(f'== storing {options.scores:,} scores', file=sys.stderr)
        seed.seed(seeded, scores=options.scores, ranges=[100, 1000, 1_000_000])
        reads = asyncio.run(seed.time_top_ten(seeded, max_number=100))

    results = {
        'machine': _machine(),
        'runs': [asdict(figures) for figures in runs],
        'idle': asdict(idle),
        'watching': asdict(watching),
        'startup_seconds': {'median': statistics.median(startup), 'slowest': max(startup)},
        'top_ten_read_ms': {'scores': options.scores, 'median': statistics.median(reads) * 1000,
                            'slowest': max(reads) * 1000},
    }
    (options.out / 'results.json').write_text(json.dumps(results, indent=2))
    (options.out / 'results.md').write_text(_report(results))
    _plot(runs, options.out / 'results.png')
    print(_report(results))
    print(f'written to {options.out}/', file=sys.stderr)


def _load_run(data_dir: Path, *, players: int, duration: float, ranges: list[int], active: int | None = None,
              rate: float = 1.0) -> loadgen.Figures:
    print(f'== {players} players' + (f' ({active} guessing)' if active is not None else ''), file=sys.stderr)
    with Server(data_dir) as server:
        assert server.process is not None
        return asyncio.run(loadgen.run(
            url=server.url, players=players, rate=rate, duration=duration, ranges=ranges, active=active,
            ramp=max(5.0, players / 10),  # ten players a second join, about what a class does at the start
            processes=2 if players >= 300 else 1, server_pid=server.process.pid, progress=False))


def _startup_seconds(data_dir: Path) -> float:
    server = Server(data_dir)
    try:
        return server.start()
    finally:
        server.stop()


def _machine() -> dict[str, object]:
    return {'date': datetime.now(UTC).strftime('%Y-%m-%d'), 'cpus': os.cpu_count(),
            'cpu': platform.processor() or platform.machine(),
            'memory_gb': round(psutil.virtual_memory().total / 2**30), 'python': platform.python_version(),
            'system': f'{platform.system()} {platform.release()}'}


def _report(results: dict) -> str:
    machine = results['machine']
    lines = [
        f'Measured on {machine["date"]}: {machine["cpus"]} cores ({machine["cpu"]}), {machine["memory_gb"]} GB, '
        f'Python {machine["python"]}, {machine["system"]}; load generator on the same machine.',
        '',
        '| Players | Guesses/s | Round trip p50 / p95 / p99 (ms) | Broadcast p50 / p99 (ms) | Server RSS (MB) '
        '| KB per player | Server CPU | Errors |',
        '|---:|---:|---|---|---:|---:|---:|---:|',
    ]
    for run in results['runs']:
        trip, broadcast = run['round_trip_ms'], run['broadcast_ms']
        lines.append(
            f'| {run["connected"]} | {run["guesses_per_second"]:.0f} '
            f'| {trip["p50"]:.1f} / {trip["p95"]:.1f} / {trip["p99"]:.1f} '
            f'| {broadcast["p50"]:.0f} / {broadcast["p99"]:.0f} ({run["broadcasts"]}) | {run["server_rss_mb"]:.0f} '
            f'| {run["server_rss_per_player_kb"]:.0f} | {run["server_cpu_percent"]:.0f}% | {run["errors"]} |')
    watching, startup, reads = results['watching'], results['startup_seconds'], results['top_ten_read_ms']
    idle = results['idle']
    lines += [
        '',
        f'- {idle["connected"]} players with the game page open and nobody guessing: server CPU '
        f'{idle["server_cpu_percent"]:.0f}% of one core, {idle["server_rss_mb"]:.0f} MB RSS '
        f'({idle["server_rss_per_player_kb"]:.0f} KB per player).',
        f'- {watching["connected"]} players with the game page open, {watching["guessing"]} of them guessing: '
        f'server CPU {watching["server_cpu_percent"]:.0f}% of one core, {watching["server_rss_mb"]:.0f} MB RSS '
        f'({watching["server_rss_per_player_kb"]:.0f} KB per player); a new top-10 score reached the last of the '
        f'open pages in {watching["broadcast_ms"]["p50"]:.0f} ms (p50), {watching["broadcast_ms"]["p99"]:.0f} ms '
        f'(p99) over {watching["broadcasts"]} top-10 wins.',
        f'- `python main.py` to the first page served: {startup["median"]:.2f} s (median of 5), '
        f'slowest {startup["slowest"]:.2f} s.',
        f'- Top 10 of a range with {reads["scores"]:,} scores stored: {reads["median"]:.2f} ms (median of 200 reads '
        f'through `db.top_ten`), slowest {reads["slowest"]:.2f} ms.',
    ]
    return '\n'.join(lines) + '\n'


def _plot(runs: list[loadgen.Figures], path: Path) -> None:
    try:
        import matplotlib  # noqa: PLC0415  (only the plot needs it; the test suite does not)
    except ImportError:
        print('matplotlib is not installed: no plot (pip install matplotlib)', file=sys.stderr)
        return
    matplotlib.use('Agg')
    from matplotlib import pyplot  # noqa: PLC0415
    players = [run.connected for run in runs]
    figure, (trip, memory, cpu) = pyplot.subplots(1, 3, figsize=(13, 3.8))
    trip.plot(players, [run.round_trip_ms['p50'] for run in runs], 'o-', label='p50')
    trip.plot(players, [run.round_trip_ms['p99'] for run in runs], 's--', label='p99')
    trip.set(title='Guess round trip', xlabel='players', ylabel='ms', yscale='log')
    trip.legend()
    memory.plot(players, [run.server_rss_mb for run in runs], 'o-')
    memory.set(title='Server memory (RSS)', xlabel='players', ylabel='MB')
    cpu.plot(players, [run.server_cpu_percent for run in runs], 'o-')
    cpu.set(title='Server CPU', xlabel='players', ylabel='% of one core')
    for axes in (trip, memory, cpu):
        axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=90)


if __name__ == '__main__':
    main()
