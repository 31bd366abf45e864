"""Instructions per join, counted by valgrind's callgrind: a figure that does not move with the machine's speed.

    python -m tests.load.instructions              # 20 joins after 10 to warm up (about half a minute)
    python -m tests.load.instructions --joins 40

On this project's machine the same run of ``--only join-cost`` varies by up to 30% from one hour (or one run) to the
next, more than most single changes save, so comparing two versions of the code by their CPU time needs many runs
taken in turn. Callgrind counts the instructions the server executes instead: the same code gives the same count
within about 1%, whatever else the machine does (it runs the server about fifty times slower, so only a few joins
are counted, one after the other). The count includes every thread of the server; it leaves out what the kernel
does for it (sending and receiving), a tenth of a join's CPU (``perf``: 8%).

A join is what the benchmark's players do (tests/load/players.py): the welcome page over HTTP, its socket, the range
typed, the name entered and the game view it leads to. Needs ``valgrind`` (``apt-get install valgrind``).
"""
from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.server import Server

from .browserless import Page
from .players import sign_in


def main() -> None:
    parser = argparse.ArgumentParser(prog='python -m tests.load.instructions', description=__doc__.split('\n')[0])
    parser.add_argument('--joins', type=int, default=20, help='joins counted (default: %(default)s)')
    parser.add_argument('--warm-up', type=int, default=10, help='joins before counting starts (default: %(default)s)')
    options = parser.parse_args()
    if shutil.which('valgrind') is None or shutil.which('callgrind_control') is None:
        sys.exit('python -m tests.load.instructions: needs valgrind (sudo apt-get install valgrind)')
    if options.joins < 1 or options.warm_up < 0:
        parser.error('--joins must be at least 1 and --warm-up at least 0')
    print(f'{count(joins=options.joins, warm_up=options.warm_up) / 1e6:.2f} M instructions per join '
          f'({options.joins} joins counted after {options.warm_up})')


def count(*, joins: int, warm_up: int) -> float:
    """Start the server under callgrind, join ``warm_up`` times, then count the instructions of ``joins`` joins."""
    with tempfile.TemporaryDirectory(prefix='hilo-instructions-') as scratch:
        out = Path(scratch) / 'callgrind.out'
        callgrind = ['valgrind', '--tool=callgrind', '--instr-atstart=no', f'--callgrind-out-file={out}']
        # The waiting room lets everyone in: the joins here come one after another.
        server = Server(Path(scratch) / 'data', '--joins-per-second', '100000', under=callgrind)
        server.start(timeout=180)  # under callgrind, starting takes half a minute or more
        try:
            assert server.process is not None
            asyncio.run(_join(server.url, warm_up, first=0))
            time.sleep(2)  # what the warm-up left to do (the board's reads, the counts sent) is done before counting
            _instrument(server.process.pid, on=True)
            asyncio.run(_join(server.url, joins, first=warm_up))
            time.sleep(1)
            _instrument(server.process.pid, on=False)
        finally:
            server.stop(timeout=120)  # callgrind writes its counts as the server ends
        return _total(out) / joins


async def _join(url: str, joins: int, *, first: int) -> None:
    for number in range(first, first + joins):
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:  # a new browser each time
            page = Page(http)
            await sign_in(page, name=f'bot {number}', max_number=100, seconds=60)
            await asyncio.sleep(0.2)  # the page's own messages after it is on screen
            await page.close()


def _instrument(pid: int, *, on: bool) -> None:
    subprocess.run(['callgrind_control', '--instr=' + ('on' if on else 'off'), str(pid)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _total(out: Path) -> int:
    """The instructions counted, from callgrind's file(s) (one per dump, the last at exit)."""
    total = 0
    for part in out.parent.glob(out.name + '*'):
        for line in part.read_text(errors='replace').splitlines():
            if line.startswith('totals:'):
                total += int(line.split()[1])
                break
    return total


if __name__ == '__main__':
    main()
