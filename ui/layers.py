"""One action of a player as the learner's window shows it: what each layer did, and how long it took.

The tracer (ui/tracer.py) fills in an :class:`Action` as the action goes through the layers; :func:`render` turns a
finished one into HTML, once, when the window shows it. Everything written into that HTML is escaped here, and none
of it is another player's: the tracer only keeps this page's own message, statements and updates.
"""
from __future__ import annotations

import html
import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from db.watch import Recording

ROOT = Path(__file__).resolve().parent.parent
README = '/readme/'  # the README, served by the game itself (ui/readme.py); each layer has an anchor in it
# Each layer: its title, a caption in plain English, and where the README explains it.
LAYERS = {
    'browser': ('1. Browser → server',
                'Your browser sent one message over the websocket, the connection that stays open while the page '
                'does: which element, which of its listeners, and what you typed.'),
    'python': ('2. Python',
               'NiceGUI found the element and called its Python handler on the server; the rules in game.py '
               'decided the answer.'),
    'database': ('3. Database',
                 'SQLAlchemy sent these statements to the database, in one transaction; a change waits a few '
                 'milliseconds so that other players\' changes can share it.'),
    'update': ('4. Server → browser',
               'NiceGUI sent back the elements that changed, in one message over the same websocket; Vue in your '
               'browser redrew just those.'),
}
# Where the SQL of a statement starts a new line when it is shown.
SQL_BREAKS = re.compile(r'(?<!DELETE) (?=(?:SET|FROM|WHERE|VALUES|RETURNING|ON CONFLICT|ORDER BY|LIMIT|AND) )')


@dataclass(frozen=True)
class Code:
    """A place in the source code: a file, a function and the line where it starts."""

    path: str
    function: str
    line: int

    @staticmethod
    def of(function: Any) -> Code:
        """Where a function (or method) is defined."""
        code = function.__code__
        return Code(Path(code.co_filename).resolve().relative_to(ROOT).as_posix(), code.co_qualname,
                    code.co_firstlineno)

    def __str__(self) -> str:
        return f'{self.path}, {self.function}, line {self.line}'


@dataclass(frozen=True)
class Reply:
    """One message the server sent back to this page."""

    at: float  # time.perf_counter()
    kind: str  # 'update' and the like
    elements: tuple[str, ...]  # the elements it carried, named for a learner
    size: int  # bytes on the wire


@dataclass
class Broadcast:
    """A new top 10 that went to other pages: how many, and how long until every one of them was sent it."""

    pages: int
    seconds: float | None = None  # None: over the limit (see nicegui_hooks.sent)
    finished: bool = False


@dataclass(eq=False)
class Action:
    """One thing the player did (a guess, a win, Play again), followed through every layer."""

    number: int
    arrived: float  # time.perf_counter() when the message came (or the handler started, without one)
    clock: float  # time.time() at that moment
    message: dict[str, Any] | None  # as the browser sent it; None when a handler is called without one (tests)
    event: str  # the listener's event, e.g. 'keydown.enter'
    element: str
    database: Recording
    what: str = ''  # 'Guess', 'Win', 'Play again', ...
    typed: str = ''
    answer: str = ''  # what the rules (or the handler) answered, in words
    handlers: tuple[Code, ...] = ()  # the handler that ran, and what it called
    rules: Code | None = None
    handler_seconds: float = 0.0
    expects_reply: bool = True
    expects_win: bool = False
    waited: bool = False  # came while the guess before it was being stored, and was handled once it was
    won: bool = False
    replies: list[Reply] = field(default_factory=list)
    broadcast: Broadcast | None = None

    @property
    def finished(self) -> bool:
        """Whether every layer is done: the reply sent, the changes stored, a win shown and its broadcast sent."""
        return bool(self.what) and (bool(self.replies) or not self.expects_reply) and self.database.waiting == 0 \
            and (self.won or not self.expects_win) and (self.broadcast is None or self.broadcast.finished)


def render(action: Action, *, newest: bool) -> str:
    """The action as HTML: a summary line, and one section per layer (the newest action starts unfolded)."""
    took = [f'answered in {_ms(action.replies[0].at - action.arrived)}'] if action.replies else []
    if action.database.stored is not None:
        took.append(f'stored in {_ms(action.database.stored - action.arrived)}')
    summary = f'#{action.number} · {action.what}' + (f' “{action.typed}”' if action.typed else '') \
        + f': {action.answer}' + (f' · {", ".join(took)}' if took else '')
    sections = ''.join((_browser(action), _python(action), _database(action), _update(action)))
    return f'<details{" open" if newest else ""}><summary>{_text(summary)}</summary>{sections}</details>'


def _browser(action: Action) -> str:
    stamp = datetime.fromtimestamp(action.clock).strftime('%H:%M:%S.%f')[:-3]
    if action.message is None:
        return _layer('browser', f'at {stamp}', _p('No websocket message: the handler was called directly '
                                                   '(as NiceGUI\'s simulated user does in the tests).'))
    event, *keys = action.event.split('.')
    which = f' ({", ".join(key.capitalize() for key in keys)})' if keys else ''
    frame = json.dumps(['event', action.message], ensure_ascii=False, separators=(',', ':'))  # as the browser wrote it
    details = _p(f'A “{event}” event{which} of {action.element}, {len(frame.encode()) + 2:,} bytes. Its '
                 'arguments travel as JSON text: here, the text in the box.')
    return _layer('browser', f'at {stamp}', details + _code(f'42{_json(["event", action.message])}', 'json'))


def _python(action: Action) -> str:
    calls = ', which calls '.join(f'<code>{_text(code.function)}</code> ({_text(code.path)}, line {code.line})'
                                  for code in action.handlers)
    rules = f' The rules (<code>{_text(action.rules.function)}</code>, {_text(action.rules.path)}, ' \
            f'line {action.rules.line}) answered: <strong>{_text(action.answer)}</strong>.' if action.rules else \
        f' It answered: <strong>{_text(action.answer)}</strong>.'
    waited = ' It came within milliseconds of the guess before it, so it waited for that one to be stored.' \
        if action.waited else ''
    return _layer('python', f'took {_ms(action.handler_seconds)}', f'<p>NiceGUI called {calls}.{rules}{waited}</p>')


def _database(action: Action) -> str:
    recording = action.database
    if recording.queued is None:
        words = 'the next round was dealt when you won, in that transaction' if action.what == 'Play again' \
            else 'nothing to store'
        return _layer('database', 'no statement', _p(f'No statement: {words}.'))
    shared = recording.shared_with
    others = 'no other player’s change came in time to share it' if not shared else \
        f'shared with {shared} other {"player’s change" if shared == 1 else "players’ changes"} (not shown)'
    head = _p(f'Queued at +{_ms(recording.queued - action.arrived)} and stored at '
              f'+{_ms((recording.stored or recording.queued) - action.arrived)}: one transaction, {others}.')
    statements = ''.join(
        _p(f'+{_ms(statement.started - action.arrived)}, took {_ms(statement.seconds)}'
           + (f', one of {statement.rows} rows run by this one statement' if statement.rows > 1 else '') + ':')
        + _code(SQL_BREAKS.sub('\n  ', ' '.join(statement.sql.split())), 'sql')
        + (_code(_json(statement.parameters), 'json') if statement.parameters else '')
        for statement in recording.statements)
    count = len(recording.statements)
    return _layer('database', f'+{_ms(recording.queued - action.arrived)}, '
                  f'{count} {"statement" if count == 1 else "statements"}', head + statements)


def _update(action: Action) -> str:
    parts = [_p(f'+{_ms(reply.at - action.arrived)}: “{reply.kind}”, {reply.size:,} bytes, with '
                f'{", ".join(reply.elements) or "no element"}.') for reply in action.replies]
    if not parts:
        parts.append(_p('Nothing: the page stays as it is until the answer comes.'))
    if action.broadcast is not None:
        pages = action.broadcast.pages
        when = 'more than 5 s' if action.broadcast.seconds is None else _ms(action.broadcast.seconds)
        parts.append(_p(f'Your win changed the top 10: {pages} other {"page" if pages == 1 else "pages"} of this '
                        f'range got the new table, all of them sent {when} after the win was stored.'))
    size = sum(reply.size for reply in action.replies)
    when = f'+{_ms(action.replies[0].at - action.arrived)}, ' if action.replies else ''
    return _layer('update', f'{when}{size:,} bytes', ''.join(parts))


def _layer(key: str, timing: str, body: str) -> str:
    title, caption = LAYERS[key]
    return f'<section class="hilo-layer"><h3>{title} <small>· {_text(timing)}</small></h3>' \
           f'<p class="hilo-caption">{_text(caption)} <a href="{README}#layer-{key}" target="_blank">' \
           f'How this layer works</a></p>{body}</section>'


def _code(text: str, language: str) -> str:
    return f'<pre><code class="language-{language}">{_text(text)}</code></pre>'


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def _p(text: str) -> str:
    return f'<p>{_text(text)}</p>'


def _text(text: str) -> str:
    return html.escape(text, quote=True)


def _ms(seconds: float) -> str:
    milliseconds = seconds * 1000
    return f'{milliseconds:.2f} ms' if milliseconds < 10 else f'{milliseconds:,.0f} ms'


def now() -> tuple[float, float]:
    """The moment, for the durations (time.perf_counter()) and for the clock (time.time())."""
    return time.perf_counter(), time.time()
