"""Input of every kind through the same checks the pages use (``game.parse_*``): each value is accepted or refused
with a message for the player; nothing else ever happens, and nothing refused is counted.
"""
from __future__ import annotations

import string
import unicodedata
from collections.abc import Callable
from typing import TypeVar

from hypothesis import assume, given
from hypothesis import strategies as st

import game
from game import InvalidInput, Round

T = TypeVar('T')

# Text of every kind a browser (or a forger) could send.
awkward_text = st.one_of(
    st.text(),  # any Unicode: letters, digits, marks, symbols, surrogates, controls
    st.text(alphabet=st.sampled_from(' \t\n\r\x0b\x0c\u00a0\u2028\u2029\u200b\ufeff')),  # kinds of whitespace
    st.text(alphabet=st.characters(whitelist_categories=('Cc', 'Cf', 'Cs', 'Co', 'Zl', 'Zp'))),  # invisible things
    st.text(alphabet=st.characters(min_codepoint=0x590, max_codepoint=0x6FF)),  # right-to-left: Hebrew, Arabic
    st.text(alphabet=st.characters(whitelist_categories=('Mn', 'Me'))),  # combining marks on their own
    st.text(alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF)),  # emoji
    st.sampled_from(['<img src=x onerror=alert(1)>', '<b>x</b>', '"><script>alert(1)</script>', "'; DROP TABLE",
                     '{{7*7}}', '${7*7}', 'a\u202eexe.txt', 'e\u0301\u0301\u0301', '👨‍👩‍👧‍👦', 'x' * 10_000]),
    st.text(min_size=25, max_size=200),  # too long
)
numbers_as_text = st.one_of(
    st.integers().map(str),
    st.integers().map(lambda number: f'{number:,}'),
    st.integers().map(lambda number: f'+{number}'),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda number: f'{number:e}'),
    st.decimals(allow_nan=True).map(str),
    st.sampled_from(['NaN', 'nan', 'inf', '-inf', 'Infinity', '1e6', '1E-3', '0x1F', '0b101', '1_000', '١٢٣', '１２３',
                     '²', '½', '--5', '5-', '+-5', '1,00', '1.', '.5', '0', '00042', ' 42 ', '9' * 5000]),
)
anything_else = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.lists(st.integers(), max_size=3),
                          st.dictionaries(st.text(max_size=3), st.integers(), max_size=3))


def outcome(parse: Callable[[object], T], value: object) -> T | InvalidInput:
    """What a check makes of a value: the clean value, or the refusal (any other exception fails the test)."""
    try:
        return parse(value)
    except InvalidInput as refusal:
        return refusal


@given(st.one_of(awkward_text, numbers_as_text, anything_else))
def test_a_name_is_accepted_clean_or_refused_with_a_message(value: object) -> None:
    name = outcome(game.parse_name, value)
    if isinstance(name, InvalidInput):
        assert str(name).strip()
        return
    assert isinstance(value, str)
    assert name == value.strip()
    assert 1 <= len(name) <= game.NAME_LENGTH
    assert not any(unicodedata.category(char) in {'Cc', 'Cs', 'Zl', 'Zp'} for char in name)
    assert any(unicodedata.category(char)[0] not in 'CMZ' for char in name)  # something can be seen


@given(st.one_of(numbers_as_text, awkward_text, anything_else))
def test_a_range_is_a_whole_number_from_10_to_a_million_or_refused(value: object) -> None:
    number = outcome(game.parse_max_number, value)
    if isinstance(number, InvalidInput):
        assert '10 to 1,000,000' in str(number) or 'not a number' in str(number)
        return
    assert isinstance(number, int)
    assert game.SMALLEST_MAX <= number <= game.LARGEST_MAX


@given(st.integers(game.SMALLEST_MAX, game.LARGEST_MAX), st.lists(st.one_of(numbers_as_text, awkward_text,
                                                                            anything_else), max_size=20))
def test_only_valid_new_guesses_are_counted(max_number: int, inputs: list[object]) -> None:
    round_ = Round(max_number=max_number, secret=max_number // 2 + 1)
    counted: list[int] = []
    for value in inputs:
        if round_.is_won:
            break
        answer = outcome(round_.guess, value)
        if isinstance(answer, InvalidInput):
            assert str(answer).strip()
            continue
        number = round_.guesses[-1]
        assert isinstance(value, str)
        assert 1 <= number <= max_number
        assert number not in counted
        assert answer == game.answer(round_.secret, number)
        counted.append(number)
    assert round_.guesses == counted


@given(st.integers(game.SMALLEST_MAX, game.LARGEST_MAX), st.integers())
def test_a_whole_number_is_read_exactly_however_it_is_written(max_number: int, number: int) -> None:
    for text in (str(number), f' {number} ', f'{number:,}', f'{number:_}'):
        read = outcome(lambda value: game.parse_guess(value, max_number), text)
        if isinstance(read, InvalidInput):
            assert not 1 <= number <= max_number
            assert 'out of range' in str(read)
        else:
            assert read == number


@given(st.text(alphabet=string.digits + '.eE+-', min_size=1, max_size=12))
def test_number_like_text_is_never_misread(text: str) -> None:
    assume(not text.lstrip('+-').isdigit())
    assert isinstance(outcome(lambda value: game.parse_guess(value, game.LARGEST_MAX), text), InvalidInput)
