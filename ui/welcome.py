"""The welcome page ``/``: the player's name, the range to play, and the board of that range."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import Event, app, ui

import game

from .frame import frame
from .score_board import ScoreBoard

PRESETS = {number: f'{number:,}' for number in game.PRESET_MAXES}


async def welcome_page() -> None:
    """Ask for a name and a range; remember both for the next visit."""
    max_number = _remembered_max()
    with frame('Welcome'):
        form = PlayerForm(name=app.storage.user.get('name', ''), max_number=max_number)
        board = ScoreBoard(player_id=app.storage.browser['id'])
    form.range_chosen.subscribe(board.show)  # messages go up from the form; the page passes them down to the board
    await board.show(max_number)


class PlayerForm(ui.card):
    """Name and range, checked by the rules in ``game.py``; a valid form saves both and goes to ``/play``."""

    def __init__(self, *, name: str, max_number: int) -> None:
        super().__init__()
        self.range_chosen: Event[int] = Event()
        self.classes('w-full gap-3')
        with self:
            ui.label('Guess the number').classes('text-2xl font-bold').props('role=heading aria-level=1')
            ui.label('I think of a whole number and you guess it. After each guess I say "higher" or "lower". '
                     'The fewer guesses you need, the higher you rank; ties go to the faster player.')
            self.name = ui.input('Your name', value=name, validation=_problem(game.parse_name)) \
                .without_auto_validation().props('autofocus outlined maxlength=40 autocomplete=nickname') \
                .classes('w-full').mark('name')
            ui.label('Guess numbers from 1 to:').classes('mt-2')
            self.presets = ui.toggle(PRESETS, value=max_number if max_number in PRESETS else None,
                                     on_change=self._preset_chosen) \
                .props('no-caps spread').classes('w-full').mark('presets')
            self.highest = ui.input(f'or any whole number from {game.SMALLEST_MAX} to {game.LARGEST_MAX:,}',
                                    value=f'{max_number:,}', validation=_problem(game.parse_max_number),
                                    on_change=self._range_typed) \
                .without_auto_validation().props('outlined inputmode=numeric').classes('w-full').mark('highest')
            ui.button('Play', icon='play_arrow', on_click=self.submit).classes('self-end').mark('play')
        # Once a field shows an error, check it again as the player types, so the message goes once it is fixed.
        self.name.on_value_change(lambda: self.name.error and self.name.validate())
        for field in (self.name, self.highest):
            field.on('keydown.enter', self.submit)

    def submit(self) -> None:
        """Check both fields, show what is wrong beside each, or save them and start playing."""
        name_ok = self.name.validate()
        range_ok = self.highest.validate()
        if name_ok and range_ok:
            app.storage.user['name'] = game.parse_name(self.name.value)
            app.storage.user['max_number'] = game.parse_max_number(self.highest.value)
            ui.navigate.to('/play')

    def _preset_chosen(self) -> None:
        if self.presets.value in PRESETS and self.presets.value != self._typed_max():
            self.highest.value = PRESETS[self.presets.value]

    def _range_typed(self) -> None:
        if self.highest.error:
            self.highest.validate()
        number = self._typed_max()
        self.presets.value = number if number in PRESETS else None
        if number is not None:
            self.range_chosen.emit(number)

    def _typed_max(self) -> int | None:
        try:
            return game.parse_max_number(self.highest.value)
        except game.InvalidInput:
            return None


def _remembered_max() -> int:
    try:
        return game.parse_max_number(str(app.storage.user.get('max_number', game.DEFAULT_MAX)))
    except game.InvalidInput:
        return game.DEFAULT_MAX


def _problem(parse: Callable[[object], object]) -> Callable[[object], str | None]:
    """Turn a ``game.parse_*`` function into a NiceGUI validation: the error message, or ``None`` if fine."""
    def problem(value: object) -> str | None:
        try:
            parse(value)
        except game.InvalidInput as error:
            return str(error)
        return None
    return problem
