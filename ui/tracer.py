"""Follows one page's actions through every layer while its learner's window is open (see ui/how_it_works.py).

:meth:`Tracer.start` puts the hooks in place for this page only, :meth:`Tracer.stop` takes them away again:

- the message from the browser: the socket guard hands over each message of this page (nicegui_hooks.received);
- Python: the guess box's and the button's handlers run through :meth:`Tracer._around`, which times
  ``GamePanel.submit`` and reads the rules' answer from the round afterwards (and ``panel.submit`` itself is
  :meth:`Tracer._submit`, for a guess that comes within milliseconds of the one before and waits for it);
- the database: the changes the handler queues, and their statements (db/watch.py);
- back to the browser: every message this page is sent (nicegui_hooks.watch_outbox) and, for a win, the pages
  its new top 10 reached.

An action is shown once every layer is done with it, so a win (and the statement that checks it against the secret)
is shown only after the page has shown the win.
"""
from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Any

from nicegui import background_tasks
from nicegui.events import GenericEventArguments

import db
import db.watch
import events
import game
import nicegui_hooks

from .game_panel import GamePanel
from .layers import Action, Broadcast, Code, Reply, now
from .score_board import ScoreBoard

KEPT = 20  # actions a window keeps


class Tracer:
    """Records the actions of one game panel's player on this page, and hands each one over once it is finished."""

    def __init__(self, panel: GamePanel, show: Callable[[Action], None]) -> None:
        self.panel = panel
        self.client = panel.client
        self.show = show
        self.message: tuple[float, float, dict[str, Any]] | None = None  # the last one from the browser, when it came
        self.unfinished: deque[Action] = deque(maxlen=KEPT)
        self.count = 0
        self.undo: list[Callable[[], None]] = []
        self.submit = panel.submit
        self.handling = False

    async def start(self) -> None:
        """Put the hooks in place for this page."""
        nicegui_hooks.watched[self.client.id] = self._received
        self.undo += [nicegui_hooks.time_listeners([self.panel.guess_box, self.panel.guess_button], self._around),
                      nicegui_hooks.watch_outbox(self.client, self._sent)]
        self.panel.won.subscribe(self._won, unsubscribe_on_delete=False)  # stop() does it, also when the page goes
        self.panel.submit = self._submit  # type: ignore[method-assign]
        await db.watch.start()

    def stop(self) -> None:
        """Take the hooks away; the database's listeners go once the last window closes."""
        if nicegui_hooks.watched.pop(self.client.id, None) is None:
            return  # stopped already
        for undo in self.undo:
            undo()
        self.undo.clear()
        self.panel.won.unsubscribe(self._won)
        del self.panel.submit
        self.unfinished.clear()
        background_tasks.create(db.watch.stop(), name='stop watching the database')

    def _received(self, message: dict[str, Any]) -> None:
        self.message = (*now(), message)

    def _around(self, element: Any, listener_id: str, event_type: str, handler: Callable[..., Any],
                event: GenericEventArguments) -> Any:
        """Run the handler of the guess box or the button as a new action."""
        if self.message is not None and self.message[2].get('id') == element.id \
                and self.message[2].get('listener_id') == listener_id:
            arrived, clock, message = self.message
        else:  # called without a message from this page's browser (NiceGUI's simulated user in the tests)
            (arrived, clock), message = now(), None
        self.message = None
        self.count += 1
        panel = self.panel
        action = Action(number=self.count, arrived=arrived, clock=clock, message=message, event=event_type,
                        element=nicegui_hooks.name(element), typed=panel.guess_box.submitted(event),
                        database=db.watch.Recording(round_id=panel.active.id, player_id=panel.player_id))
        self.unfinished.append(action)
        self.handling = True  # the button's handler calls panel.submit, which is _submit while the window is open
        try:
            return self._run(action, lambda: nicegui_hooks.call(handler, event))
        finally:
            self.handling = False

    def _submit(self, text: str) -> None:
        """``panel.submit`` while the window is open: a guess that waited for the one before it comes back here."""
        waiting = next((action for action in self.unfinished if action.waited and not action.what), None)
        if self.handling or waiting is None:
            self.submit(text)
        else:
            self._run(waiting, lambda: self.submit(text))

    def _run(self, action: Action, handle: Callable[[], Any]) -> Any:
        """Time the handler, and find out from the round what it did."""
        panel = self.panel
        guesses, again, won = len(panel.round.guesses), panel.next_round is not None, panel.round.is_won
        storing = panel.storing is not None and not panel.storing.done()
        started = time.perf_counter()
        with db.watch.recording(action.database):
            result = handle()
        action.handler_seconds += time.perf_counter() - started
        self._describe(action, guesses=guesses, again=again, won=won, storing=storing)
        action.database.on_stored = lambda: self._check(action)
        self._check(action)
        return result

    def _describe(self, action: Action, *, guesses: int, again: bool, won: bool, storing: bool) -> None:
        """What the handler did, read from the round before and after it ran."""
        panel, submit = self.panel, Code.of(GamePanel.submit)
        action.handlers, action.rules = (submit,), Code.of(game.Round.guess)
        if again:
            action.what, action.handlers, action.rules = 'Play again', (submit, Code.of(GamePanel.play_again)), None
            action.typed, action.answer = '', f'a new round, a number from 1 to {panel.round.max_number:,}'
        elif panel.round.is_won and not won:
            action.what, action.answer, action.expects_win = 'Win', 'correct', True
            action.handlers = (submit, Code.of(GamePanel._finish))
        elif len(panel.round.guesses) > guesses:
            action.what, action.answer = 'Guess', str(panel.round.history()[-1][1].value)
        elif panel.guess_box.error:
            action.what, action.answer = 'Refused', panel.guess_box.error
        elif storing:  # a second guess within milliseconds: GamePanel answers it once the first one is stored
            action.waited, action.what = True, ''
        else:
            action.what, action.answer, action.rules, action.expects_reply = 'Too late', 'the win is being stored', \
                None, False

    def _sent(self, kind: str, data: dict[Any, Any], size: int) -> None:
        action = next((action for action in self.unfinished if action.what and action.expects_reply
                       and not action.replies and (action.won or not action.expects_win)), None)
        if action is None:
            return
        ids = [int(key) for key in data if key != '_id'] if kind == 'update' else []
        game_elements = {element.id for element in self.panel.descendants()}
        if kind == 'update' and game_elements.isdisjoint(ids):
            return  # e.g. this window's own update
        elements = self.client.elements
        names = tuple(nicegui_hooks.name(elements[i]) if i in elements else f'element {i} (removed)' for i in ids)
        action.replies.append(Reply(time.perf_counter(), kind, names, size))
        self._check(action)

    def _won(self, win: db.Win) -> None:
        action = next((action for action in self.unfinished if action.expects_win and not action.won), None)
        if action is None:
            return
        action.won = True
        if win.top_ten is not None:
            boards = nicegui_hooks.receivers(events.top_ten_changed.groups, lambda board: isinstance(board, ScoreBoard)
                                             and board.max_number == win.score.max_number)
            pages = [client for _, client in boards if client is not self.client]
            action.broadcast = Broadcast(pages=len(pages))
            background_tasks.create(self._time_broadcast(action, pages), name='time a broadcast')

    async def _time_broadcast(self, action: Action, clients: list[Any]) -> None:
        assert action.broadcast is not None
        since = action.database.stored or time.perf_counter()
        await events.top_ten_changed.heard()  # (the pages hear it in turns: until then, some have nothing to send)
        action.broadcast.seconds = await nicegui_hooks.sent(clients, since=since)
        action.broadcast.finished = True
        self._check(action)

    def _check(self, action: Action) -> None:
        if action.finished and action in self.unfinished and not self.panel.is_deleted:
            self.unfinished.remove(action)
            self.show(action)
