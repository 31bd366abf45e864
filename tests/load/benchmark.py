"""The benchmark: the real server on a fresh database under simulated players, beside the classic design.

    python -m tests.load.benchmark                   # everything, about 25 minutes
    python -m tests.load.benchmark --only sweep,joins --sizes 100,300

Each scenario starts its server(s) on a fresh data folder, brings the players in (tests/load/loadgen.py), measures
and stops. The scenarios (tests/load/scenarios.py): ``sweep`` (players at 1 guess a second, Hi-Lo and the classic
design side by side at each size), ``joins`` (1,000 players arriving within a minute), ``join-cost`` (server CPU
per player arriving), ``first-visits`` (server CPU per browser with an empty cache), ``overload`` (newcomers at
twice the rate the server admits, while others play), ``broadcast`` (1,000 open pages, a new top 10), ``idle``
(1,000 open pages, nobody guessing), ``startup`` and ``top-ten`` (a board read with 1,000,000 scores stored). It
writes results.md (tables against the targets), results.json and results.png to ``--out`` (default
bench-results/). Run it with nothing else running on the machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from . import report, scenarios

ALL = ('sweep', 'joins', 'join-cost', 'first-visits', 'overload', 'broadcast', 'idle', 'startup', 'top-ten')


def main() -> None:
    parser = argparse.ArgumentParser(prog='python -m tests.load.benchmark', description=__doc__.split('\n')[0])
    parser.add_argument('--only', default=','.join(ALL), help='scenarios to run, comma-separated (default: all)')
    parser.add_argument('--sizes', default='100,300,1000,1200', help='players in the sweep (default: %(default)s)')
    parser.add_argument('--duration', type=float, default=30, help='seconds measured per run (default: %(default)s)')
    parser.add_argument('--scores', type=int, default=1_000_000, help='scores stored for the top-ten read')
    parser.add_argument('--out', type=Path, default=Path('bench-results'), help='where to write the report')
    options = parser.parse_args()
    chosen = options.only.split(',')
    unknown = set(chosen) - set(ALL)
    if unknown:
        parser.error(f'unknown scenarios: {", ".join(sorted(unknown))} (choose from {", ".join(ALL)})')
    options.out.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {'machine': _machine()}
    with tempfile.TemporaryDirectory(prefix='hilo-bench-') as scratch:
        folder = Path(scratch)
        for name in chosen:
            print(f'== {name}', file=sys.stderr)
            if name == 'sweep':
                results[name] = scenarios.sweep(folder, sizes=[int(size) for size in options.sizes.split(',')],
                                                duration=options.duration)
            elif name == 'top-ten':
                results[name] = scenarios.top_ten(folder, scores=options.scores)
            else:
                results[name] = getattr(scenarios, name.replace('-', '_'))(folder, duration=options.duration)
    (options.out / 'results.json').write_text(json.dumps(results, indent=2))
    (options.out / 'results.md').write_text(report.markdown(results))
    report.plot(results, options.out / 'results.png')
    print(report.markdown(results))
    print(f'written to {options.out}/', file=sys.stderr)


def _machine() -> dict[str, object]:
    return {'date': datetime.now(UTC).strftime('%Y-%m-%d'), 'cpus': os.cpu_count(),
            'cpu': platform.processor() or platform.machine(),
            'memory_gb': round(psutil.virtual_memory().total / 2**30), 'python': platform.python_version(),
            'system': f'{platform.system()} {platform.release()}'}


if __name__ == '__main__':
    main()
