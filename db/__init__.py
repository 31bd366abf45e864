"""Everything Hi-Lo stores, and the only code that talks to the database.

The rest of the app calls these plain async functions with keyword arguments, for example
``await db.top_ten(max_number=100)``; it never opens a session itself.
"""
from .engine import DatabaseUnusable, start, stop
from .models import ActiveRound, Score, utc_now
from .rounds import resume_or_start_round, save_guesses
from .scores import BOARD_SIZE, Standing, Win, best_standing, record_win, top_ten

__all__ = [
    'BOARD_SIZE',
    'ActiveRound',
    'DatabaseUnusable',
    'Score',
    'Standing',
    'Win',
    'best_standing',
    'record_win',
    'resume_or_start_round',
    'save_guesses',
    'start',
    'stop',
    'top_ten',
    'utc_now',
]
