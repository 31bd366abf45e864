"""What a player does in a real browser: the same steps as in tests/ui/players.py, with real keys and clicks."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from playwright.sync_api import Locator, Page, Response, WebSocket, expect


@dataclass
class Frames:
    """Every Socket.IO message a page sent and received over its websockets, as text ('42["event",{...}]')."""

    sent: list[str] = field(default_factory=list)
    received: list[str] = field(default_factory=list)

    def messages(self, frames: list[str]) -> list[str]:
        """The Socket.IO events among ``frames`` (without Engine.IO's pings and pongs)."""
        return [frame for frame in frames if frame.startswith('42')]


# The message beside a box. While Quasar fades an old message out, the new one comes after it.
SHOWN_ERROR = '.q-field--error [role=alert]'
FRAMES: WeakKeyDictionary[Page, Frames] = WeakKeyDictionary()
# How long a page may stay in the waiting room before a test gives up (it retries every 2 to 8 seconds).
WAITING_ROOM_S = 60


def record_frames(page: Page) -> Frames:
    """Start recording the page's websocket frames (before it opens its socket); the recording is kept in FRAMES."""
    frames = FRAMES[page] = Frames()

    def on_socket(socket: WebSocket) -> None:
        socket.on('framesent', lambda payload: frames.sent.append(str(payload)))
        socket.on('framereceived', lambda payload: frames.received.append(str(payload)))
    page.on('websocket', on_socket)
    return frames


def open_page(page: Page, path: str) -> Response | None:
    """Go to ``path`` like a player typing an address, and return the answer once it is the game's own.

    On a busy machine the server may answer first with its waiting room (admission.py: status 503 with Retry-After,
    a plain page that reloads itself when it is the player's turn). A player just waits; so does this, instead of
    acting on that page.
    """
    answers: list[Response] = []

    def note(answer: Response) -> None:
        if answer.request.is_navigation_request() and answer.frame == page.main_frame:
            answers.append(answer)
    page.on('response', note)  # before goto: the waiting page may reload itself before goto returns
    try:
        response = page.goto(path)
        deadline = time.monotonic() + WAITING_ROOM_S
        while answers and answers[-1].status == 503 and 'retry-after' in answers[-1].headers:
            assert time.monotonic() < deadline, f'{path} still in the waiting room after {WAITING_ROOM_S} s'
            page.wait_for_timeout(100)  # (Playwright delivers the page's events while it waits)
        page.wait_for_load_state()
        return answers[-1] if answers else response
    finally:
        page.remove_listener('response', note)


def guess_box(page: Page) -> Locator:
    return page.get_by_role('textbox', name='Your guess')


def feedback(page: Page) -> Locator:
    return page.get_by_role('status')


def board_rows(page: Page) -> Locator:
    return page.locator('.q-table tbody tr')


def sign_in(page: Page, *, name: str, max_number: int = 100) -> None:
    """Open the welcome page, fill in name and range by typing, press Enter, land on the game."""
    open_page(page, '/')
    page.get_by_label('Your name').fill(name)
    page.get_by_label(re.compile('or any whole number')).fill(str(max_number))
    page.get_by_label('Your name').press('Enter')
    page.wait_for_url('**/play')
    expect(guess_box(page)).to_be_focused()


def guess(page: Page, text: str) -> str:
    """Type a guess into the focused box, press Enter, and return the answer or the error shown beside the box."""
    before = feedback(page).inner_text()
    received = page.evaluate('window.nextMessageId')  # nicegui.js counts the messages it has received
    page.keyboard.type(text)
    page.keyboard.press('Enter')
    # The answer is one message: a new answer, or a message beside the box (which may read as the one before).
    page.wait_for_function(
        """([received, before, error]) => window.nextMessageId > received && (
               document.querySelector('[role=status]').innerText !== before || document.querySelector(error))""",
        arg=[received, before, SHOWN_ERROR])
    error = page.locator(SHOWN_ERROR)
    return error.last.inner_text() if error.count() else feedback(page).inner_text()


def play_to_win(page: Page) -> int:
    """Binary search with the keyboard, reading only the page; returns the number of guesses the round took."""
    possible = page.get_by_text(re.compile(r'^Still possible:')).inner_text()
    low, high = (int(part.replace(',', '')) for part in possible.split(': ')[1].split('–'))
    while True:
        middle = (low + high) // 2
        said = guess(page, str(middle))
        if 'correct' in said:
            count = page.get_by_text(re.compile(r'^Guesses: \d+')).inner_text()
            return int(count.split()[1])
        if 'too low' in said:
            low = middle + 1
        else:
            assert 'too high' in said, said
            high = middle - 1
