"""How numbers, times and dates read on the pages."""
from __future__ import annotations

import math
from datetime import datetime


def range_text(max_number: int) -> str:
    """``1000`` -> ``'1–1,000'``, the name of a range."""
    return f'1–{max_number:,}'


def duration(seconds: float) -> str:
    """A finished time: ``'42.3 s'`` under a minute, ``'3:07'`` or ``'1:02:03'`` above."""
    if seconds < 60:
        return f'{math.floor(seconds * 10) / 10:.1f} s'
    return _clock(seconds)


def _clock(seconds: float) -> str:
    # Whole seconds as a clock shows them: '0:42', '3:07', '1:02:03'.
    minutes, secs = divmod(max(0, int(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f'{hours}:{minutes:02}:{secs:02}' if hours else f'{minutes}:{secs:02}'


def when(moment: datetime) -> str:
    """When a score was set, in the server's time zone: ``'21 Nov 14:03'``, or ``'21 Nov 2025'`` before this year.

    Absolute, not "5 min ago": a table row can stay on screen for hours without being sent again.
    """
    local = moment.astimezone()
    if local.year != datetime.now(local.tzinfo).year:
        return f'{local.day} {local:%b %Y}'
    return f'{local.day} {local:%b %H:%M}'


def plural(count: int, word: str) -> str:
    """``plural(2, 'guess')`` -> ``'guesses'``; the word as it is for one."""
    return word if count == 1 else f'{word}es' if word.endswith('s') else f'{word}s'
