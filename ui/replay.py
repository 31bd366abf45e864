"""The replay view ``/replay/{id}``: one won game, step by step, with the range still possible drawn as a bar.

Everything is worked out on the server when the view opens (``game.replay``); each step then changes three elements
in one update. Stepping happens on the server, so the keys, the buttons and the "play" loop all go through
:meth:`Replay.go`. Playing runs a small loop only while it plays: an idle replay costs nothing.
"""
from __future__ import annotations

import asyncio

from nicegui import background_tasks, ui
from nicegui.events import GenericEventArguments

import db
import game

from .game_panel import ANSWER_STYLE
from .text import duration, plural, range_text, when

STEP_SECONDS = 1.2  # how long "play" shows each step
HISTORY_SHOWN = 40  # guesses shown at most in the list (a round can have thousands)
# Keys work anywhere inside the replay. Space and Enter on a focused button press that button, as everywhere else; a
# held key does not repeat (the socket guard would queue the repeats). The browser sends the action, not the key.
KEYS_JS = """(event) => {
    const actions = {ArrowLeft: 'back', ArrowRight: 'forward', Home: 'start', End: 'end', k: 'toggle', K: 'toggle',
                     ' ': 'toggle'};
    const action = actions[event.key];
    if (!action || event.repeat || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === ' ' && event.target.closest('button, a')) return;
    event.preventDefault();
    emit(action);
}"""
ACTIONS = {'back', 'forward', 'start', 'end', 'toggle'}
KEY_NAMES = {'ArrowLeft': '←', 'ArrowRight': '→', 'k': 'Space or K'}


async def replay_page(score_id: str) -> None:
    """Show the replay of a won game, or say why there is none."""
    ui.page_title('Replay · Hi-Lo')
    found = await db.find_score(score_id=int(score_id)) if score_id.isdigit() and len(score_id) < 10 else None
    if found is None:
        _no_such_game(score_id)
        return
    score = found.score
    ui.page_title(f'Replay: {score.name} · {range_text(score.max_number)} · Hi-Lo')
    guesses = score.moves_list
    if guesses is None:
        with ui.card().classes('w-full gap-3'):
            _summary(found)
            ui.label('This game was stored before Hi-Lo kept the guesses of each round, so it has no replay.') \
                .mark('no-replay')
            _links()
        return
    Replay(found, game.replay(score.max_number, guesses))


class Replay(ui.card):
    """A won game replayed: step 0 is the range before any guess, step N the N-th guess and its answer."""

    def __init__(self, found: db.Found, steps: list[game.Step]) -> None:
        super().__init__()
        self.max_number = found.score.max_number
        self.steps = steps
        self.step = 0
        self.playing: asyncio.Task[None] | None = None
        self.classes('w-full gap-3').props('tabindex=-1').mark('replay')
        with self:
            _summary(found)
            with ui.column().classes('w-full gap-1'):
                # The bar is drawn from three numbers set as CSS variables (see .hilo-bar in assets/hilo.css).
                self.bar = ui.html('<div class="hilo-bar-possible"></div><div class="hilo-bar-guess"></div>') \
                    .classes('hilo-bar w-full').props('aria-hidden=true').mark('replay-bar')
                with ui.row().classes('w-full justify-between text-xs'):
                    ui.label('1')
                    ui.label(f'{self.max_number:,}')
            # Screen readers read out each step as it is shown, whether by a key, a button or "play".
            self.status = ui.label().classes('text-lg font-medium min-h-14').props('role=status aria-live=polite') \
                .mark('replay-status')
            self.history = ui.html(tag='ol').classes('flex flex-wrap gap-1') \
                .props('aria-label="Guesses so far"')
            with ui.row().classes('w-full items-center gap-1').props('role=group aria-label="Replay controls"'):
                self._button('first_page', 'Start', 'Home', 'start')
                self._button('chevron_left', 'Step back', 'ArrowLeft', 'back')
                self.play_button = self._button('play_arrow', 'Play', 'k', 'toggle').mark('play')
                self._button('chevron_right', 'Step forward', 'ArrowRight', 'forward')
                self._button('last_page', 'End', 'End', 'end')
                self.counter = ui.label().classes('ml-2 text-sm').mark('replay-step')
            ui.html('Keys: <kbd>←</kbd> <kbd>→</kbd> step, <kbd>Space</kbd> or <kbd>K</kbd> play and pause, '
                    '<kbd>Home</kbd> <kbd>End</kbd> first and last step.').classes('text-xs opacity-80')
            _links()
        self.on('keydown', self._key, js_handler=KEYS_JS)
        self._show()
        # The view opens without a page load when a board's link is clicked: put the keyboard focus on Play.
        ui.run_javascript(f'getHtmlElement({self.play_button.id})?.focus()')

    def go(self, action: str) -> None:
        """Do what a key or a button asks: step back or forward, jump to the start or the end, play or pause."""
        if action == 'toggle':
            self._toggle()
            return
        self._pause()
        last = len(self.steps)
        self.step = {'back': max(0, self.step - 1), 'forward': min(last, self.step + 1),
                     'start': 0, 'end': last}.get(action, self.step)
        self._show()

    def _button(self, icon: str, label: str, key: str, action: str) -> ui.button:
        # An icon, with its name and key for screen readers (aria-label) and as a tooltip (title).
        shown = KEY_NAMES.get(key, key)
        return ui.button(icon=icon, on_click=lambda: self.go(action)) \
            .props(f'flat round aria-label="{label} ({shown})" title="{label} ({shown})" aria-keyshortcuts="{key}"')

    def _key(self, event: GenericEventArguments) -> None:
        if isinstance(event.args, str) and event.args in ACTIONS:  # what a browser sent is checked like any input
            self.go(event.args)

    def _toggle(self) -> None:
        if self.playing is not None:
            self._pause()
            self._show()
            return
        if self.step == len(self.steps):
            self.step = 0  # play again from the start
        self.playing = background_tasks.create(self._play(), name='replay')
        self._show()

    async def _play(self) -> None:
        try:
            while self.step < len(self.steps) and not self.is_deleted:
                await asyncio.sleep(STEP_SECONDS if self.step else STEP_SECONDS / 2)
                self.step += 1
                self._show()
        finally:
            if self.playing is asyncio.current_task():
                self.playing = None
                if not self.is_deleted:
                    self._show()

    def _pause(self) -> None:
        if self.playing is not None:
            self.playing.cancel()
            self.playing = None

    def _show(self) -> None:
        last, max_number = len(self.steps), self.max_number
        low, high, guess = 1, max_number, None
        if self.step:
            step = self.steps[self.step - 1]
            low, high, guess = step.low, step.high, step.guess
        self.bar.style(f'--hilo-low: {(low - 1) / max_number:.6f}; --hilo-high: {high / max_number:.6f}; '
                       f'--hilo-guess: {((guess or 1) - 0.5) / max_number:.6f}; --hilo-guess-shown: {int(bool(guess))}')
        self.status.text = _describe(self.steps, self.step, max_number)
        self.counter.text = f'Step {self.step} of {last}'
        shown = self.steps[max(0, self.step - HISTORY_SHOWN):self.step]
        hidden = self.step - len(shown)
        self.history.content = (f'<li class="text-sm self-center">… {hidden:,} earlier</li>' if hidden else '') + \
            ''.join(_history_item(step, current=index == len(shown) - 1) for index, step in enumerate(shown))
        playing = self.playing is not None
        label = 'Pause (Space or K)' if playing else 'Play (Space or K)'
        self.play_button.props(f'icon={"pause" if playing else "play_arrow"} aria-label="{label}" title="{label}"')

    def _handle_delete(self) -> None:
        self._pause()
        super()._handle_delete()


def _describe(steps: list[game.Step], number: int, max_number: int) -> str:
    if number == 0:
        return f'Before the first guess: any number from 1 to {max_number:,}.'
    step = steps[number - 1]
    if step.answer is game.Answer.CORRECT:
        return f'Guess {number} of {len(steps)}: {step.guess:,} is correct!'
    direction = 'low' if step.answer is game.Answer.HIGHER else 'high'
    return f'Guess {number} of {len(steps)}: {step.guess:,} is too {direction}. Still possible: ' \
           f'{step.low:,}–{step.high:,}.'


def _history_item(step: game.Step, *, current: bool) -> str:
    # Only numbers and fixed words go into this HTML, so nothing a player typed can end up in it.
    words, colours = ANSWER_STYLE[step.answer]
    return f'<li class="hilo-chip {colours}{" hilo-current" if current else ""}"' \
           f'{" aria-current=step" if current else ""}>{step.guess:,} {words}</li>'


def _summary(found: db.Found) -> None:
    score = found.score
    count = f'{score.guesses} {plural(score.guesses, "guess")}'
    ui.label(f'{score.name} won {range_text(score.max_number)} in {count}').classes('text-xl font-bold') \
        .props('role=heading aria-level=1').mark('replay-title')
    par = game.par(score.max_number)
    facts = [f'par {par}', duration(score.time_ms / 1000), when(score.finished_at)]
    if found.rank is not None:
        facts.append(f'#{found.rank:,} on the {range_text(score.max_number)} board')
    ui.label(' · '.join(facts)).classes('text-sm')


def _links() -> None:
    with ui.row().classes('gap-4'):
        ui.link('All scores', '/scores')
        ui.link('Play', '/')


def _no_such_game(score_id: str) -> None:
    with ui.card().classes('w-full gap-3'):
        ui.label('No such game').classes('text-xl font-bold').props('role=heading aria-level=1').mark('no-such-game')
        ui.label(f'There is no won game with the number "{score_id[:20]}". The link may be mistyped.')
        ui.link('Back to the game', '/')
