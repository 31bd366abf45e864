"""The benchmark: the real server on a fresh database under simulated players, beside the classic design.

    python -m tests.load.benchmark                   # everything, about 28 minutes
    python -m tests.load.benchmark --only sweep,joins --sizes 100,300
    python -m tests.load.benchmark --only sweep --sizes 300 --repeat 5   # the median of five runs

Each scenario starts its server(s) on a fresh data folder, brings the players in (tests/load/loadgen.py), measures
and stops. The scenarios (tests/load/scenarios.py): ``sweep`` (players at 1 guess a second, Hi-Lo and the classic
design side by side at each size), ``busy`` (300 players guessing as often as each design answers them: both
side by side), ``joins`` (1,000 players arriving within a minute), ``join-cost`` (server CPU
per player arriving), ``first-visits`` (server CPU per browser with an empty cache), ``overload`` (newcomers at
twice the rate the server admits, while others play), ``broadcast`` (1,000 open pages, a new top 10), ``idle``
(1,000 open pages, nobody guessing), ``startup`` and ``top-ten`` (a board read with 1,000,000 scores stored). It
writes results.md (tables against the targets), results.json and results.png to ``--out`` (default
bench-results/). Run it with nothing else running on the machine.

A run's slowest percent varies from run to run (a stall of a few hundred milliseconds in a 30 s window decides a
p99), so ``--repeat N`` runs each scenario N times and reports the median of each figure; results.json keeps every
run as well.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from . import report, scenarios

ALL = ('sweep', 'busy', 'joins', 'join-cost', 'first-visits', 'overload', 'broadcast', 'idle', 'startup', 'top-ten')


def main() -> None:
    parser = argparse.ArgumentParser(prog='python -m tests.load.benchmark', description=__doc__.split('\n')[0])
    parser.add_argument('--only', default=','.join(ALL), help='scenarios to run, comma-separated (default: all)')
    parser.add_argument('--sizes', default='100,300,1000,1200', help='players in the sweep (default: %(default)s)')
    parser.add_argument('--duration', type=float, default=30, help='seconds measured per run (default: %(default)s)')
    parser.add_argument('--scores', type=int, default=1_000_000, help='scores stored for the top-ten read')
    parser.add_argument('--repeat', type=int, default=1, help='runs of each scenario; each figure is their median')
    parser.add_argument('--out', type=Path, default=Path('bench-results'), help='where to write the report')
    options = parser.parse_args()
    chosen = options.only.split(',')
    unknown = set(chosen) - set(ALL)
    if unknown:
        parser.error(f'unknown scenarios: {", ".join(sorted(unknown))} (choose from {", ".join(ALL)})')
    if options.repeat < 1:
        parser.error('--repeat must be at least 1')
    options.out.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {'machine': {**_machine(), 'repeat': options.repeat}}
    every_run: dict[str, list[Any]] = {}
    for name in chosen:
        for attempt in range(1, options.repeat + 1):
            print(f'== {name}' + (f' (run {attempt} of {options.repeat})' if options.repeat > 1 else ''),
                  file=sys.stderr)
            with tempfile.TemporaryDirectory(prefix='hilo-bench-') as scratch:  # a fresh server and database
                every_run.setdefault(name, []).append(_scenario(name, Path(scratch), options))
        results[name] = median(every_run[name])
    if options.repeat > 1:
        results['every_run'] = every_run
    (options.out / 'results.json').write_text(json.dumps(results, indent=2))
    (options.out / 'results.md').write_text(report.markdown(results))
    report.plot(results, options.out / 'results.png')
    print(report.markdown(results))
    print(f'written to {options.out}/', file=sys.stderr)


def _scenario(name: str, folder: Path, options: argparse.Namespace) -> Any:
    if name == 'sweep':
        return scenarios.sweep(folder, sizes=[int(size) for size in options.sizes.split(',')],
                               duration=options.duration)
    if name == 'top-ten':
        return scenarios.top_ten(folder, scores=options.scores)
    return getattr(scenarios, name.replace('-', '_'))(folder, duration=options.duration)


def median(runs: list[Any]) -> Any:
    """The runs of one scenario as one: the median of each number, found at the same place in every run.

    Runs of a scenario have the same shape (the same keys, lists of the same length); where they differ, and for
    anything that is not a number (a design's name, say), the first run's value is kept.
    """
    first = runs[0]
    if isinstance(first, dict) and all(isinstance(run, dict) and run.keys() == first.keys() for run in runs):
        return {key: median([run[key] for run in runs]) for key in first}
    if isinstance(first, list) and all(isinstance(run, list) and len(run) == len(first) for run in runs):
        return [median(list(items)) for items in zip(*runs, strict=True)]
    if all(isinstance(run, (int, float)) and not isinstance(run, bool) for run in runs):
        middle = statistics.median(runs)
        return round(middle) if all(isinstance(run, int) for run in runs) else middle
    return first


def _machine() -> dict[str, object]:
    return {'date': datetime.now(UTC).strftime('%Y-%m-%d'), 'cpus': os.cpu_count(),
            'cpu': platform.processor() or platform.machine(),
            'memory_gb': round(psutil.virtual_memory().total / 2**30), 'python': platform.python_version(),
            'system': f'{platform.system()} {platform.release()}'}


if __name__ == '__main__':
    main()
