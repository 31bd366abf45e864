"""What a simulated player does in the UI tests: fill in the welcome form, guess, play a whole round."""
from __future__ import annotations

import asyncio
import re
from typing import TypeVar

from nicegui import ElementFilter, ui
from nicegui.testing import User

import events

T = TypeVar('T', bound=ui.element)


async def sign_in(user: User, *, name: str, max_number: int = 100) -> None:
    """Open the welcome page, type a name and a range, press Enter and land on the game."""
    await user.open('/')
    user.find(marker='name').clear().type(name)
    user.find(marker='highest').clear().type(str(max_number))
    user.find(marker='name').trigger('keydown.enter')
    await user.should_see(marker='guess-box')


async def guess(user: User, text: str) -> str:
    """Type a guess, press Enter and return what the game answered (or the error shown beside the box)."""
    feedback, box = label(user, 'feedback'), element(user, 'guess-box', ui.input)
    before = feedback.text
    user.find(marker='guess-box').clear().type(text).trigger('keydown.enter')
    for _ in range(200):  # the handler stores the guess first, then answers; give it time, but not forever
        if box.error or feedback.text != before:
            return box.error or feedback.text
        await asyncio.sleep(0.01)
    raise AssertionError(f'no answer to the guess {text!r}')


async def play_to_win(user: User, max_number: int = 100) -> int:
    """Binary search, reading only what the page says; returns the number of guesses the round took."""
    # Start from what the page says is still possible: a resumed round has guesses already.
    count_text, possible_text, _ = progress(user)
    low, high = (int(part.replace(',', '')) for part in possible_text.split(': ')[1].split('–'))
    for count in range(int(count_text.split()[1]) + 1, max_number + 1):
        middle = (low + high) // 2
        said = await guess(user, str(middle))
        if 'correct' in said:
            # A win in a top 10 reaches the other pages' boards in turns (events.InTurns; this page's own board has
            # it with the answer): let it go round, as the few milliseconds before a player looks at a board do.
            await events.top_ten_changed.heard()
            return count
        if 'too low' in said:
            low = middle + 1
        else:
            assert 'too high' in said, said
            high = middle - 1
    raise AssertionError('binary search did not finish')


def progress(user: User) -> list[str]:
    """The parts of the line below the answer: the count, what is still possible (until the win) and the time."""
    return parts(user, 'progress', 'span')


def result(user: User) -> list[str]:
    """The lines below a won round: the result against par and the rank."""
    return parts(user, 'result', 'p')


def parts(user: User, marker: str, tag: str) -> list[str]:
    """The text of each ``tag`` in the HTML element with this marker (the game writes them without nesting)."""
    return re.findall(rf'<{tag}\b[^>]*>(.*?)</{tag}>', element(user, marker, ui.html).content)


async def should_see_board(user: User, title: str) -> None:
    """Wait until the page shows a score board with this title (its table's, which ``should_see`` does not read)."""
    shown: list[object] = []
    for _ in range(50):
        assert user.client is not None
        with user.client:  # (user.find() would fail at once while no board is shown)
            boards = ElementFilter(kind=ui.table, marker='scores', only_visible=True)
            shown = [board.props.get('title') for board in boards]
        if title in shown:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f'no board titled {title!r} on the page (boards shown: {shown})')


def label(user: User, marker: str) -> ui.label:
    """The label with this marker on the user's page."""
    return element(user, marker, ui.label)


def element(user: User, marker: str, kind: type[T]) -> T:
    """The one element of this kind with this marker on the user's page."""
    (found,) = user.find(kind=kind, marker=marker).elements
    return found
