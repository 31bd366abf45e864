"""The welcome view ``/``: the player's name, the range to play, and the board of that range."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from nicegui import Event, app, background_tasks, ui
from nicegui.events import GenericEventArguments

import game
from nicegui_tuning import QuietInput

from .playing import PlayingNow
from .score_board import ScoreBoard

PRESETS = {number: f'{number:,}' for number in game.PRESET_MAXES}
T = TypeVar('T')
INTRO = '<h1 class="text-2xl font-bold tracking-normal m-0">Guess the number</h1>' \
        '<p class="m-0">I think of a whole number and you guess it. After each guess I say "higher" or "lower". ' \
        'The fewer guesses you need, the higher you rank; ties go to the faster player.</p>'


def welcome_page(board: ScoreBoard) -> None:
    """Ask for a name and a range; remember both for the next visit."""
    ui.page_title('Welcome · Hi-Lo')
    max_number = _remembered_max()
    form = PlayerForm(name=app.storage.user.get('name', ''), max_number=max_number)
    playing = PlayingNow(max_number)
    form.range_chosen.subscribe(board.show)  # messages go up from the form; the page passes them down to the board
    form.range_chosen.subscribe(playing.show)
    background_tasks.create(board.show(max_number), name='welcome board')


class PlayerForm(ui.card):
    """Name and range, checked by the rules in ``game.py``; a valid form saves both and goes to ``/play``.

    Typing sends nothing to the server: Enter or Play sends both fields at once, in one message, and a range typed
    by hand is sent when the player leaves its box, so that the board below can follow.
    """

    def __init__(self, *, name: str, max_number: int) -> None:
        super().__init__()
        self.range_chosen: Event[int] = Event()
        self.chosen = max_number  # the range whose board is shown below
        self.classes('w-full gap-3')
        with self:
            # The heading and the rules as one element of fixed HTML: every element costs the server time on every
            # visit, and these never change.
            ui.html(INTRO).classes('flex flex-col gap-3')
            self.name = QuietInput('Your name', value=name) \
                .props(f'autofocus outlined maxlength={game.NAME_LENGTH} counter autocomplete=nickname') \
                .classes('w-full').mark('name')
            ui.label('Guess numbers from 1 to:').classes('mt-2')
            self.presets = ui.toggle(PRESETS, value=max_number if max_number in PRESETS else None,
                                     on_change=self._preset_chosen) \
                .props('no-caps spread').classes('w-full').mark('presets')
            self.highest = QuietInput(f'or any whole number from {game.SMALLEST_MAX} to {game.LARGEST_MAX:,}',
                                      value=f'{max_number:,}') \
                .props('outlined inputmode=numeric').classes('w-full').mark('highest')
            self.highest.on('change', self._range_typed, js_handler=self.highest.text_js)  # on leaving the box
            play = ui.button('Play', icon='play_arrow').classes('self-end').mark('play')
        # Enter in either box, or a click on Play, sends the text of both boxes.
        send_both = f'() => emit(getHtmlElement({self.name.id}).value, getHtmlElement({self.highest.id}).value)'
        for element, event in ((self.name, 'keydown.enter'), (self.highest, 'keydown.enter'), (play, 'click')):
            element.on(event, self.submit, js_handler=send_both)

    def submit(self, event: GenericEventArguments) -> None:
        """Check both fields, show what is wrong beside each, or save them and start playing."""
        name_text, highest_text = self._sent(event)
        name_problem, name = _check(game.parse_name, name_text)
        range_problem, max_number = _check(game.parse_max_number, highest_text)
        if name is None or max_number is None:
            self.name.show(name_text, error=name_problem)  # what was typed stays, with the reason beside it
            self.highest.show(highest_text, error=range_problem)
            return
        app.storage.user.update(name=name, max_number=max_number)  # one change: the user's file is written once
        ui.navigate.to('/play')

    def _sent(self, event: GenericEventArguments) -> tuple[str, str]:
        if isinstance(event.args, list) and len(event.args) == 2 and all(isinstance(arg, str) for arg in event.args):
            return event.args[0], event.args[1]
        # NiceGUI's simulated test user runs no JavaScript: the boxes' own values stand in for what was typed.
        return self.name.value or '', self.highest.value or ''

    def _preset_chosen(self) -> None:
        if self.presets.value in PRESETS and self.presets.value != self.chosen:
            self.highest.show(PRESETS[self.presets.value])
            self._choose(self.presets.value)

    def _range_typed(self, event: GenericEventArguments) -> None:
        text = self.highest.submitted(event)
        problem, number = _check(game.parse_max_number, text)
        self.highest.show(text, error=problem)
        if number is not None:
            self._choose(number)
            self.presets.value = number if number in PRESETS else None

    def _choose(self, number: int) -> None:
        if number != self.chosen:
            self.chosen = number
            self.range_chosen.emit(number)


def _remembered_max() -> int:
    try:
        return game.parse_max_number(str(app.storage.user.get('max_number', game.DEFAULT_MAX)))
    except game.InvalidInput:
        return game.DEFAULT_MAX


def _check(parse: Callable[[object], T], text: str) -> tuple[str | None, T | None]:
    """Run a ``game.parse_*`` function: (the message for the player, None) or (None, the clean value)."""
    try:
        return None, parse(text)
    except game.InvalidInput as error:
        return str(error), None
