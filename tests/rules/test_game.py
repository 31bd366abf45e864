"""The rules on their own: no server, no database, microseconds per test."""
from __future__ import annotations

import math
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

import game
from game import Answer, InvalidInput, Round

maxes = st.integers(min_value=game.SMALLEST_MAX, max_value=game.LARGEST_MAX)


@st.composite
def rounds(draw: st.DrawFn) -> Round:
    max_number = draw(maxes)
    return Round(max_number=max_number, secret=draw(st.integers(1, max_number)))


def play_binary_search(round_: Round) -> int:
    """Play a round the way a perfect player does and return the number of guesses."""
    while not round_.is_won:
        low, high = round_.possible
        round_.guess(str((low + high) // 2))
    return len(round_.guesses)


@given(rounds())
def test_binary_search_always_wins_within_par(round_: Round) -> None:
    assert play_binary_search(round_) <= game.par(round_.max_number)


@given(maxes)
def test_par_is_the_worst_case_of_binary_search(max_number: int) -> None:
    assert game.par(max_number) == math.ceil(math.log2(max_number + 1))


def test_par_is_reached_by_some_secret() -> None:
    # For 1–100 the worst secret takes exactly 7 guesses: par is not just an upper bound.
    worst = max(play_binary_search(Round(max_number=100, secret=secret)) for secret in range(1, 101))
    assert worst == game.par(100) == 7


@given(rounds(), st.integers())
def test_answers_point_towards_the_secret(round_: Round, offset: int) -> None:
    guess = min(max(round_.secret + offset, 1), round_.max_number)
    said = round_.guess(str(guess))
    assert said == (Answer.HIGHER if guess < round_.secret else Answer.LOWER if guess > round_.secret
                    else Answer.CORRECT)
    assert round_.possible[0] <= round_.secret <= round_.possible[1]


@given(rounds(), st.lists(st.integers(-5, game.LARGEST_MAX + 5), max_size=30))
def test_the_possible_range_always_holds_the_secret_and_only_shrinks(round_: Round, guesses: list[int]) -> None:
    low, high = round_.possible
    for guess in guesses:
        if round_.is_won:
            break
        try:
            round_.guess(str(guess))
        except InvalidInput:
            continue
        new_low, new_high = round_.possible
        assert low <= new_low <= round_.secret <= new_high <= high
        low, high = new_low, new_high


invalid_guess_texts = st.one_of(
    st.just(''), st.text(' \t\n', max_size=5),
    st.sampled_from(['abc', 'nan', 'NaN', 'inf', '-inf', 'Infinity', '1e3', '2.5', '.5', '-0', '0', '1,00', '0x10',
                     '½', '1 000', '+-3', '--3', '3-', '²', '١٠٠٠٠٠٠١']),
    st.floats(allow_nan=True, allow_infinity=True).filter(lambda x: not float(x).is_integer()).map(str),
    st.integers(max_value=0).map(str),
    st.integers(min_value=game.LARGEST_MAX + 1).map(str),
    st.text().filter(lambda text: not text.strip().isdigit()),
)


@given(rounds(), invalid_guess_texts)
def test_every_invalid_guess_is_rejected_with_a_message_and_not_counted(round_: Round, text: str) -> None:
    try:
        number = game.parse_guess(text, round_.max_number)
    except InvalidInput:
        pass
    else:  # some generated texts are valid after all (e.g. "٣" is Arabic-Indic 3): those must be in range
        assert 1 <= number <= round_.max_number
        return
    with pytest.raises(InvalidInput) as error:
        round_.guess(text)
    assert str(error.value)
    assert round_.guesses == []


@pytest.mark.parametrize(('text', 'message'), [
    ('', 'Type a whole number from 1 to 100.'),
    ('   ', 'Type a whole number from 1 to 100.'),
    ('abc', 'That is not a number. Type a whole number from 1 to 100.'),
    ('2.5', 'Whole numbers only: a guess must be from 1 to 100.'),
    ('1e2', 'Whole numbers only: a guess must be from 1 to 100.'),
    ('0', 'A guess must be from 1 to 100; 0 is out of range.'),
    ('-7', 'A guess must be from 1 to 100; -7 is out of range.'),
    ('101', 'A guess must be from 1 to 100; 101 is out of range.'),
    ('9' * 5000, 'A guess must be from 1 to 100; that number is far out of range.'),
])
def test_invalid_guesses_get_clear_messages(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=f'^{message}$'.replace('.', r'\.')):
        game.parse_guess(text, 100)


@pytest.mark.parametrize(('text', 'number'), [('42', 42), (' 7 ', 7), ('+9', 9), ('1,000', 1000), ('1_000', 1000)])
def test_valid_guesses_are_read_as_whole_numbers(text: str, number: int) -> None:
    assert game.parse_guess(text, 1000) == number


def test_a_repeated_guess_is_pointed_out_and_not_counted() -> None:
    round_ = Round(max_number=100, secret=60)
    assert round_.guess('50') is Answer.HIGHER
    with pytest.raises(InvalidInput, match='You already guessed 50'):
        round_.guess(' 50 ')
    assert round_.guesses == [50]


def test_nothing_counts_after_the_win() -> None:
    round_ = Round(max_number=100, secret=60)
    assert round_.guess('60') is Answer.CORRECT
    with pytest.raises(InvalidInput, match='already won'):
        round_.guess('61')
    assert round_.guesses == [60]
    assert round_.is_won
    assert round_.history() == [(60, Answer.CORRECT)]


def test_secrets_are_drawn_from_the_whole_range() -> None:
    draws = Counter(game.draw_secret(10) for _ in range(5000))
    assert set(draws) == set(range(1, 11))
    # Each of the 10 numbers is expected 500 times; 350 is more than 6 standard deviations away.
    assert min(draws.values()) > 350


@pytest.mark.parametrize(('text', 'name'), [
    ('Ann', 'Ann'), ('  Ann Lee  ', 'Ann Lee'), ('x', 'x'), ('a' * 24, 'a' * 24), ('Zoë 🎲', 'Zoë 🎲'),
    ('<b>x</b>', '<b>x</b>'), ('אבי', 'אבי'), ('👨‍👩‍👧', '👨‍👩‍👧'), ("O'Brien-Smith!", "O'Brien-Smith!"),
])
def test_names_accept_letters_digits_spaces_punctuation_and_emoji(text: str, name: str) -> None:
    assert game.parse_name(text) == name


@pytest.mark.parametrize(('text', 'message'), [
    ('', 'Type a name'), ('   ', 'Type a name'), ('a' * 25, 'at most 24 characters'),
    ('Ann\nLee', 'no control characters'), ('Ann\x00', 'no control characters'), ('\x1b[31mred', 'no control'),
    ('evil\u202egnp.exe', 'no control characters'), ('\u200b', 'can be seen'), ('\ud800', 'no control characters'),
    (None, 'Type a name'), (42, 'Type a name'),
])
def test_bad_names_are_rejected_with_a_message(text: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        game.parse_name(text)


@pytest.mark.parametrize(('text', 'number'), [('10', 10), ('100', 100), ('1,000', 1000), ('1000000', 1_000_000),
                                              ('1_000_000', 1_000_000), ('12345', 12345)])
def test_ranges_from_10_to_a_million_are_accepted(text: str, number: int) -> None:
    assert game.parse_max_number(text) == number


@pytest.mark.parametrize('text', ['9', '0', '-100', '1000001', '10.5', 'lots', ''])
def test_other_ranges_are_rejected(text: str) -> None:
    with pytest.raises(InvalidInput, match='10 to 1,000,000'):
        game.parse_max_number(text)


@given(rounds(), st.lists(st.integers(1, game.LARGEST_MAX), max_size=30))
def test_a_replay_shows_each_answer_and_the_range_the_round_had_after_it(round_: Round, tries: list[int]) -> None:
    expected = []
    for number in [*tries, round_.secret]:
        if number <= round_.max_number and number not in round_.guesses:
            said = round_.guess(str(number))
            expected.append((number, said, *round_.possible))
        if round_.is_won:
            break
    steps = game.replay(round_.max_number, round_.guesses)
    assert [(step.guess, step.answer, step.low, step.high) for step in steps] == expected
    assert steps[-1].answer is Answer.CORRECT


def test_efficiency_is_par_over_guesses_and_equal_fractions_tie_exactly() -> None:
    assert game.efficiency(100, 7) == 1.0
    assert game.efficiency(1000, 4) == 2.5
    assert game.efficiency(100, 14) == game.efficiency(10, 8) == 0.5  # 7/14 and 4/8
    assert game.efficiency(1_000_000, 6) == game.efficiency(1000, 3)  # 20/6 and 10/3
    assert game.replay(100, []) == []
