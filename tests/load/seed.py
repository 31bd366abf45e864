"""Fill a database with many scores quickly, then time the query that reads a board's top 10.

    python -m tests.load.seed --database /tmp/hilo-seed.sqlite3 --scores 1000000

The scores go in through SQLite directly, in one transaction (a million in a few seconds); the timing goes through
the game's own code (``db.top_ten``), as a page would read it.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import db


def seed(path: Path, *, scores: int, ranges: list[int]) -> float:
    """Store ``scores`` random scores spread over ``ranges``; returns the seconds it took."""
    db.start(path)  # creates the file and its tables, as the game does
    asyncio.run(db.stop())
    started = time.perf_counter()
    now = datetime.now(UTC)
    with sqlite3.connect(path) as connection:
        for first in range(0, scores, 100_000):
            connection.executemany(
                'INSERT INTO score (player_id, name, max_number, guesses, time_ms, finished_at, is_best) '
                'VALUES (?, ?, ?, ?, ?, ?, 1)',  # each score is its own player's, so each is that player's best
                [(f'seed-{number}', f'Player {number}', max_number, random.randint(1, max_number.bit_length() + 5),
                  random.randint(1_000, 600_000), (now - timedelta(seconds=number)).isoformat(' '))
                 for number in range(first, min(scores, first + 100_000))
                 for max_number in [ranges[number % len(ranges)]]])
            print(f'  {min(scores, first + 100_000):,} scores stored', file=sys.stderr)
    return time.perf_counter() - started


async def time_top_ten(path: Path, *, max_number: int, runs: int = 200) -> list[float]:
    """Read the top 10 of a range ``runs`` times through the game's db module; the seconds each read took."""
    db.start(path)
    try:
        await db.top_ten(max_number=max_number)  # the first read opens the connection; do not count it
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            await db.top_ten(max_number=max_number)
            times.append(time.perf_counter() - started)
        return times
    finally:
        await db.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog='python -m tests.load.seed', description=__doc__.split('\n')[0])
    parser.add_argument('--database', type=Path, required=True, help='SQLite file to fill (created if missing)')
    parser.add_argument('--scores', type=int, default=1_000_000, help='how many scores (default: %(default)s)')
    parser.add_argument('--ranges', default='100,1000,1000000', help='ranges to spread them over')
    options = parser.parse_args()
    ranges = [int(part) for part in options.ranges.split(',')]
    seconds = seed(options.database, scores=options.scores, ranges=ranges)
    print(f'stored {options.scores:,} scores in {seconds:.1f} s')
    times = asyncio.run(time_top_ten(options.database, max_number=ranges[0]))
    print(f'top 10 of 1–{ranges[0]:,} with {options.scores:,} scores stored: '
          f'median {statistics.median(times) * 1000:.2f} ms, slowest {max(times) * 1000:.2f} ms '
          f'over {len(times)} reads through db.top_ten')


if __name__ == '__main__':
    main()
