"""One round of Hi-Lo on screen: the guess box, the answers so far, the clock and, after the win, the result.

A guess costs one message each way: the browser sends the text of the box once, when the player presses Enter or
clicks Guess (see ``QuietInput`` in nicegui_tuning.py), and the answer, the cleared box and the history go back
together in one update. The handler answers at once and hands the guess to the database to be stored a few
milliseconds later with other players' guesses (see db/rounds.py).
"""
from __future__ import annotations

import asyncio
import json

from nicegui import Event, background_tasks, ui

import db
import events
import game
from nicegui_tuning import QuietInput

from .text import duration, plural, range_text

GUESS_LABEL = 'Your guess'
AGAIN_LABEL = 'Press Enter to play again'
# Back to the welcome form after a win: a link, since it goes somewhere (ui.sub_pages catches the click and switches the
# view over the open connection). It is part of the result's HTML: one element fewer on every open page.
CHANGE_LINK = '<a class="hilo-change" href="/">' \
              '<i class="q-icon notranslate material-icons" aria-hidden="true">tune</i>Change name or range</a>'
CHANGED_ELSEWHERE = 'This round was played in another tab, so it is reloaded here.'
# How each answer looks in the history: words, and Tailwind colours that stay readable (contrast 4.5:1 or more).
ANSWER_STYLE = {
    game.Answer.HIGHER: ('↑ higher', 'bg-teal-700 text-white'),
    game.Answer.LOWER: ('↓ lower', 'bg-amber-300 text-gray-900'),
    game.Answer.CORRECT: ('✓ correct', 'bg-green-700 text-white'),
}


class GamePanel(ui.card):
    """Plays rounds for one player in one range, starting with ``active``; ``won`` tells the page about each win."""

    def __init__(self, active: db.ActiveRound, *, name: str, player_id: str) -> None:
        super().__init__()
        self.name = name
        self.player_id = player_id
        self.won: Event[db.Win] = Event()
        self.active = active
        self.next_round: db.ActiveRound | None = None  # dealt with the win, so "Play again" needs no database trip
        self.storing: asyncio.Future[bool] | None = None  # the last guess, on its way to the database
        self.round = active.to_game()
        self.final_time: str | None = None  # the time of a won round, which stops the clock
        # One grid (.hilo-game in assets/hilo.css) puts the guess box and its button side by side without a row
        # element around them: every element costs the server memory for as long as the page is open.
        self.classes('w-full hilo-game')
        with self:
            ui.label(f"I'm thinking of a number between 1 and {active.max_number:,}.") \
                .classes('text-xl font-medium').props('role=heading aria-level=1')
            # The box keeps the keyboard focus for the whole visit: Enter sends a guess, and after a win Enter starts
            # the next round. Its text goes to the server only then (see QuietInput).
            self.guess_box = QuietInput(GUESS_LABEL, on_submit=self.submit) \
                .props('inputmode=numeric autocomplete=off autofocus outlined').classes('hilo-guess-box') \
                .mark('guess-box')
            self.guess_button = ui.button('Guess').classes('h-14 hilo-guess-button').mark('guess-button play-again') \
                .on('click', lambda event: self.submit(self.guess_box.submitted(event)),
                    js_handler=self.guess_box.send_text_js)
            # Screen readers read out whatever appears in a status region, so a player hears each answer.
            self.feedback = ui.label().classes('hilo-feedback text-lg font-bold min-h-7') \
                .props('role=status aria-live=polite').mark('feedback')
            # The count, what is still possible, the clock and the guesses so far, as one element (see
            # _progress_html): one element is cheaper than several for every open page, and for every guess.
            self.progress = ui.html().classes('flex flex-col gap-3').mark('progress')
            # Below a won round: the result against par, the rank and the way back to the welcome form, as one element.
            self.result = ui.html().classes('flex flex-col gap-2').mark('result')
        self._start()

    def submit(self, text: str) -> None:
        """Take a guess as typed: answer it, hand it to the database, and finish the round if it is right.

        After a win, the same key (or button) starts the next round.
        """
        if self.next_round is not None:
            self.play_again()
            return
        if self.round.is_won:
            return  # the winning guess is being recorded; anything sent meanwhile is too late
        if self.storing is not None and not self.storing.done():
            # A second guess within milliseconds of the first (no person types that fast; a bot might): answer it
            # once the first is stored, so that a crash can take back at most one answered guess.
            background_tasks.create(self._submit_once_stored(self.storing, text), name='guess after a guess')
            return
        before = list(self.round.guesses)
        try:
            said = self.round.guess(text)
        except game.InvalidInput as error:
            self.guess_box.show(text, error=str(error))  # the text stays, so that nothing typed is lost
            return
        if said is game.Answer.CORRECT:
            # A win is stored before it is shown: everything it changes on the page then goes out in one message.
            background_tasks.create(self._finish(), name='record a win')
            return
        answered_at = db.utc_now()
        if not before:  # the first counted guess starts the round's clock
            self.active.first_guess_at = answered_at
        self.guess_box.show('')
        too = 'low' if said is game.Answer.HIGHER else 'high'
        self.feedback.text = f'{self.round.guesses[-1]:,} is too {too}: the number is {said.value}.'
        self._show_progress()
        # The answer goes out now; the guess is stored a few milliseconds later, with other players' guesses.
        self.storing = db.store_guesses(round_id=self._round_id, before=before, after=list(self.round.guesses),
                                        answered_at=answered_at)
        self.storing.add_done_callback(self._check_stored)

    async def _submit_once_stored(self, storing: asyncio.Future[bool], text: str) -> None:
        await asyncio.wait([storing])  # (without the result: _check_stored deals with that)
        if not self.is_deleted:
            self.submit(text)

    def play_again(self) -> None:
        """Start the next round in the same range, without reloading the page."""
        if self.next_round is None:
            return  # a click before the win was recorded
        self.active, self.next_round = self.next_round, None
        self.round = self.active.to_game()
        self._start()

    async def _finish(self) -> None:
        win = await db.record_win(round_id=self._round_id, player_id=self.player_id,
                                  name=self.name, guesses=self.round.guesses)
        if win is None:
            self._changed_elsewhere()
            return
        if win.top_ten is not None:
            events.top_ten_changed.emit(events.TopTenChange(max_number=win.score.max_number,
                                                            top_ten=win.top_ten, winner=win.score))
        self.won.emit(win)
        self.next_round = win.next_round
        score = win.score
        # The win in one headline, in the status region that screen readers read out; the lines below add the par
        # and the rank. The classes start a short celebration in CSS (assets/hilo.css), more for a best or a #1.
        self.feedback.text = f'{self.round.secret:,} is correct: you got it in {score.guesses} ' \
                             f'{plural(score.guesses, "guess")}!'
        self.final_time = duration(score.time_ms / 1000)
        self._show_progress()
        board = f'the {range_text(score.max_number)} board'
        rank = f'A new #1 on {board}, and a personal best!' if win.rank == 1 else \
            f'A personal best: #{win.rank:,} on {board}.' if win.rank is not None else \
            f'Not a personal best: your best on {board} stays as it was.'
        # Only numbers and fixed words go into this HTML, so nothing a player types can inject any.
        against_par = _against_par(score.guesses, game.par(score.max_number))
        self.result.content = f'<p class="text-xl font-bold m-0">{against_par}</p><p class="hilo-rank m-0">{rank}</p>' \
                              f'{CHANGE_LINK}'
        self.result.visible = True
        self.classes(add='hilo-won' + (' hilo-best' if win.rank is not None else '') +
                     (' hilo-first' if win.rank == 1 else ''))
        self.guess_box.props(f'label="{AGAIN_LABEL}" readonly')
        self.guess_button.props('icon=replay').text = 'Play again'

    def _start(self) -> None:
        """Show the current round from scratch: a new one, or one resumed after a reload or a restart."""
        count = len(self.round.guesses)
        self.feedback.text = f'Welcome back: {count} {plural(count, "guess")} so far. Your turn!' if count else \
            'Type a guess and press Enter.'
        self.guess_box.props(f'label="{GUESS_LABEL}"', remove='readonly')
        self.guess_box.show('')
        self.guess_button.props(remove='icon').text = 'Guess'
        self.result.visible = False
        self.final_time = None
        self.classes(remove='hilo-won hilo-best hilo-first')
        self._show_progress()

    def _show_progress(self) -> None:
        self.progress.content = self._progress_html()

    def _progress_html(self) -> str:
        """The line of the count, what is still possible and the clock, and below it the guesses so far."""
        # Only numbers and fixed words go into this HTML, so nothing a player types can inject any.
        count = f'<span>Guesses: {len(self.round.guesses)} (par {game.par(self.round.max_number)})</span>'
        if self.final_time is not None:  # won: "It is 73" would repeat the headline, and the clock has stopped
            line = f'{count}<span>Time: {self.final_time}</span>'
        else:
            low, high = self.round.possible
            possible = f'Still possible: {low:,}–{high:,}' if low < high else f'It is {low:,}'
            line = f'{count}<span>{possible}</span>{self._clock_html()}'
        history = ''.join(_history_item(guess, said) for guess, said in self.round.history())
        return f'<div class="flex flex-wrap gap-x-6 gap-y-1 text-sm">{line}</div>' + \
            (f'<ul class="flex flex-wrap gap-1" aria-label="Your guesses so far">{history}</ul>' if history else '')

    def _clock_html(self) -> str:
        if self.active.first_guess_at is None:  # the clock starts at the first counted guess, not on page load
            return '<span>Time: 0:00</span>'
        # The browser counts the seconds itself (a CSS animation, see .hilo-clock in assets/hilo.css), so a running
        # clock costs the server nothing. It only needs to know where to start: the time played so far. That is sent
        # again with every guess, since new HTML starts the animation afresh.
        elapsed = max(0.0, (db.utc_now() - self.active.first_guess_at).total_seconds())
        return f'<span class="hilo-clock" style="animation-delay: -{elapsed:.1f}s">Time: </span>'

    def _check_stored(self, stored: asyncio.Future[bool]) -> None:
        if stored.cancelled() or stored.exception() is not None or stored.result() or self.is_deleted:
            return  # stored (or the server is stopping, or the page is gone)
        with self:  # this runs outside any page's context: give the notice and the reload this page's
            self._changed_elsewhere()

    def _changed_elsewhere(self) -> None:
        # Another tab of the same player guessed in or won this round meanwhile: show the stored state instead. The
        # notice would go with the page, so the browser keeps it for the reloaded page to show (see assets/hilo.js).
        ui.run_javascript(f'sessionStorage.setItem("hilo-notice", {json.dumps(CHANGED_ELSEWHERE)}); location.reload()')

    @property
    def _round_id(self) -> int:
        assert self.active.id is not None, 'a round gets its id when it is stored'
        return self.active.id


def _against_par(guesses: int, par: int) -> str:
    """The result against par: what a perfect halving strategy needs at worst."""
    if guesses < par:
        return f'Par is {par}, and you beat it by {par - guesses}!'
    if guesses == par:
        return f'Par is {par}: right on par, as a perfect halving strategy would be.'
    return f'Par is {par}: {guesses - par} over. Halving the range every time gets there.'


def _history_item(guess: int, said: game.Answer) -> str:
    # Nothing but a number and fixed words written here goes into this HTML, so no player can inject any.
    words, colours = ANSWER_STYLE[said]
    return f'<li class="hilo-chip {colours}">{guess:,} {words}</li>'
