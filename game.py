"""The rules of Hi-Lo, with no web and no database in sight.

The computer thinks of a whole number from 1 to ``max_number``; the player guesses and hears "higher", "lower" or
"correct". Everything here is plain Python, so the rules can be read, changed and tested on their own
(``tests/rules`` runs them in microseconds). Pages and database code call these functions; nothing here calls them.

Player input always arrives as text that nobody has checked. The ``parse_*`` functions turn it into a clean value or
raise :class:`InvalidInput` with a message written for the player.
"""
from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

SMALLEST_MAX = 10
LARGEST_MAX = 1_000_000
PRESET_MAXES = (10, 100, 1_000, 1_000_000)
DEFAULT_MAX = 100
NAME_LENGTH = 24


class InvalidInput(ValueError):
    """Input a player typed that the game cannot accept; ``str(error)`` is the message to show them."""


class Answer(StrEnum):
    """What the computer says to a guess."""

    HIGHER = 'higher'
    LOWER = 'lower'
    CORRECT = 'correct'


@dataclass
class Round:
    """One game: a secret number and the guesses made so far.

    Only counted guesses are kept: rejected input never reaches a round.
    """

    max_number: int
    secret: int
    guesses: list[int] = field(default_factory=list)

    @property
    def is_won(self) -> bool:
        """Whether the last guess hit the secret."""
        return bool(self.guesses) and self.guesses[-1] == self.secret

    @property
    def possible(self) -> tuple[int, int]:
        """The smallest and largest number the secret can still be, given the answers so far."""
        low, high = 1, self.max_number
        for guess in self.guesses:
            if guess < self.secret:
                low = max(low, guess + 1)
            elif guess > self.secret:
                high = min(high, guess - 1)
            else:
                return guess, guess
        return low, high

    def history(self) -> list[tuple[int, Answer]]:
        """Every counted guess with the answer it got, oldest first."""
        return [(guess, answer(self.secret, guess)) for guess in self.guesses]

    def guess(self, text: object) -> Answer:
        """Check a guess typed by the player, count it and answer it.

        Raises :class:`InvalidInput` (and counts nothing) for input that is not a whole number from 1 to
        ``max_number``, for a repeated guess, and for any guess after the round is won.
        """
        if self.is_won:
            raise InvalidInput(f'You already won this round in {len(self.guesses)} guesses.')
        number = parse_guess(text, self.max_number)
        if number in self.guesses:
            said = answer(self.secret, number).value
            raise InvalidInput(f'You already guessed {number:,} (the answer was "{said}"). It was not counted.')
        self.guesses.append(number)
        return answer(self.secret, number)


def answer(secret: int, guess: int) -> Answer:
    """Tell which way the secret lies from a guess."""
    if guess < secret:
        return Answer.HIGHER
    if guess > secret:
        return Answer.LOWER
    return Answer.CORRECT


def draw_secret(max_number: int) -> int:
    """A uniformly random whole number from 1 to ``max_number``, from the operating system's secure generator."""
    return secrets.randbelow(max_number) + 1


def par(max_number: int) -> int:
    """The guesses binary search needs in the worst case: ceil(log2(max_number + 1)).

    For a positive whole number n, ceil(log2(n + 1)) is exactly the number of bits of n, which avoids any
    floating-point rounding.
    """
    return max_number.bit_length()


def efficiency(max_number: int, guesses: int) -> float:
    """Par ÷ guesses: 1.0 is on par, more is better. It compares games of different ranges on one board.

    Python's division is correctly rounded, so equal fractions (7/7 and 10/10) give exactly equal numbers, and ties
    between them go on to the time, as on a range's own board.
    """
    return par(max_number) / guesses


@dataclass(frozen=True)
class Step:
    """One guess of a finished round, as a replay shows it: the answer, and what the secret could still be after it."""

    guess: int
    answer: Answer
    low: int
    high: int


def replay(max_number: int, guesses: list[int]) -> list[Step]:
    """The steps of a won round, whose last guess is the secret: each guess, its answer and the range left after it.

    One pass over the guesses (a round can have thousands), narrowing the range as a player would.
    """
    if not guesses:
        return []
    secret, low, high = guesses[-1], 1, max_number
    steps = []
    for guess in guesses:
        said = answer(secret, guess)
        if said is Answer.HIGHER:
            low = max(low, guess + 1)
        elif said is Answer.LOWER:
            high = min(high, guess - 1)
        else:
            low = high = guess
        steps.append(Step(guess=guess, answer=said, low=low, high=high))
    return steps


def parse_name(text: object) -> str:
    """A player's name, trimmed: 1 to 24 characters with no control characters."""
    if not isinstance(text, str):
        raise InvalidInput('Type a name.')
    name = text.strip()
    if not name:
        raise InvalidInput('Type a name (1 to 24 characters).')
    if len(name) > NAME_LENGTH:
        raise InvalidInput(f'Use at most {NAME_LENGTH} characters (this name has {len(name)}).')
    if any(_is_forbidden(char) for char in name):
        raise InvalidInput('Use letters, digits, spaces, punctuation or emoji (no control characters).')
    if not any(_is_visible(char) for char in name):
        raise InvalidInput('Type a name that can be seen.')
    return name


def parse_max_number(text: object) -> int:
    """The largest secret for a round: a whole number from 10 to 1,000,000 (``1,000`` and ``1_000`` are fine)."""
    return _parse_whole_number(text, SMALLEST_MAX, LARGEST_MAX, what='The highest number')


def parse_guess(text: object, max_number: int) -> int:
    """A guess: a whole number from 1 to ``max_number``."""
    return _parse_whole_number(text, 1, max_number, what='A guess')


# Whole numbers: digits with an optional sign, or digits grouped by commas or underscores ("1,000", "1_000").
_WHOLE = re.compile(r'[+-]?(\d+|\d{1,3}(,\d{3})+|\d{1,3}(_\d{3})+)')
# Numbers that are not whole: "2.5", ".5", "1e6", "-0.5".
_FRACTIONAL = re.compile(r'[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)')
# Longer than any number in range: refuse before converting, so a million digits cost nothing.
_MAX_DIGITS = 20
# Bidirectional embedding, override and isolate marks can make a name display as something else.
_BIDI_CONTROLS = set('\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069')


def _parse_whole_number(text: object, low: int, high: int, *, what: str) -> int:
    span = f'from {low:,} to {high:,}'
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput(f'Type a whole number {span}.')
    text = text.strip()
    if _WHOLE.fullmatch(text):
        if len(text) > _MAX_DIGITS:
            raise InvalidInput(f'{what} must be {span}; that number is far out of range.')
        number = int(text.replace(',', '').replace('_', ''))
        if low <= number <= high:
            return number
        raise InvalidInput(f'{what} must be {span}; {number:,} is out of range.')
    if _FRACTIONAL.fullmatch(text):
        raise InvalidInput(f'Whole numbers only: {what.lower()} must be {span}.')
    raise InvalidInput(f'That is not a number. Type a whole number {span}.')


def _is_forbidden(char: str) -> bool:
    # Cc: control characters (tab, newline, escape...); Cs: lone surrogates, which cannot even be stored as UTF-8;
    # Zl/Zp: line and paragraph separators, which would break a table row.
    return unicodedata.category(char) in {'Cc', 'Cs', 'Zl', 'Zp'} or char in _BIDI_CONTROLS


def _is_visible(char: str) -> bool:
    # Format characters (zero-width joiners, tags), marks and separators show nothing on their own.
    return unicodedata.category(char)[0] not in {'C', 'M', 'Z'}
