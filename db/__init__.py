"""Everything Hi-Lo stores, and the only code that talks to the database.

The rest of the app calls these plain async functions with keyword arguments, for example
``await db.top_ten(max_number=100)``; it never opens a session itself.
"""
from pathlib import Path

from . import engine, rounds
from .boards import Found, answers, find_score, range_bests, top_overall, top_scores
from .engine import DatabaseUnusable
from .models import ActiveRound, Score, utc_now
from .rounds import resume_or_start_round, save_guesses, store_guesses, written
from .scores import BOARD_SIZE, Board, Standing, Win, board, record_win, top_ten

__all__ = [
    'BOARD_SIZE',
    'ActiveRound',
    'Board',
    'DatabaseUnusable',
    'Found',
    'Score',
    'Standing',
    'Win',
    'answers',
    'board',
    'find_score',
    'range_bests',
    'record_win',
    'resume_or_start_round',
    'save_guesses',
    'start',
    'stop',
    'store_guesses',
    'top_overall',
    'top_scores',
    'top_ten',
    'utc_now',
    'written',
]


def start(database: Path | str, *, echo: bool = False) -> None:
    """Open the database (a SQLite file's path, or a database URL) with its tables up to date (``engine.start``)."""
    engine.start(database, echo=echo)
    rounds.start_writer()


async def stop() -> None:
    """Store the guesses still on their way, then close the database: a clean shutdown loses nothing."""
    await written()
    await engine.stop()
