"""Hi-Lo the way the tutorials teach it: Flask, a few lines of ``fetch``, SQLAlchemy on SQLite, a page that polls.

    python -m tests.load.classic.app --port 8000 --database classic.sqlite3

It is the reference the benchmark runs side by side with Hi-Lo, under the same simulated players
(``tests/load/classic/players.py``), so it plays by the same rules (game.py) and is built the ordinary way, not tuned:
a JSON API, a signed session cookie for the player, the round and the scores in the database, and a page that asks
for the top 10 every 2 seconds. It runs under gunicorn with one worker process of 8 threads, since Hi-Lo is one
process too.

The database layer is plain SQLAlchemy 2.0 with one session per request (``scoped_session``, removed when the request
ends), the pattern of Flask's own "SQLAlchemy in Flask" page. Flask-SQLAlchemy would wrap the same thing; plain
SQLAlchemy needs no further dependency (Hi-Lo already uses SQLAlchemy) and shows what happens.
SQLite runs in WAL mode with ``synchronous=NORMAL``, the same durability as Hi-Lo (a commit survives a killed
process, not a power cut).
"""
from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, render_template_string, request, session
from sqlalchemy import JSON, Index, String, create_engine, event, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, aliased, mapped_column, scoped_session, sessionmaker

import game

BOARD_SIZE = 10

db = scoped_session(sessionmaker())  # one session per thread, i.e. per request; bound to the engine by create_app
bp = Blueprint('classic', __name__)


class Base(DeclarativeBase):
    pass


class Round(Base):
    """The round a player is playing (or has just won): one row per player."""

    __tablename__ = 'rounds'
    player_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    max_number: Mapped[int]
    secret: Mapped[int]
    guesses: Mapped[list[int]] = mapped_column(JSON)
    started_at: Mapped[float | None]  # time.time() of the first counted guess


class Score(Base):
    """A won round."""

    __tablename__ = 'scores'
    __table_args__ = (Index('ix_scores_board', 'max_number', 'player_id', 'guesses', 'time_ms', 'id'),)
    id: Mapped[int] = mapped_column(primary_key=True)
    player_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(game.NAME_LENGTH))
    max_number: Mapped[int]
    guesses: Mapped[int]
    time_ms: Mapped[int]
    finished_at: Mapped[float]
    history: Mapped[list[int]] = mapped_column(JSON)  # every guess in order, for replays


def create_app(database: str | Path) -> Flask:
    """The Flask app, with its tables created in the SQLite file ``database``."""
    app = Flask(__name__)
    # Sessions are signed with this key; the launcher makes one per run (a real site would keep it in a secret store).
    app.config['SECRET_KEY'] = os.environ.get('CLASSIC_SECRET_KEY') or secrets.token_hex(32)
    engine = create_engine(f'sqlite:///{Path(database).resolve()}')
    event.listen(engine, 'connect', _configure_sqlite)
    Base.metadata.create_all(engine)
    db.configure(bind=engine)
    app.register_blueprint(bp)
    app.teardown_appcontext(lambda error: db.remove())
    return app


def _configure_sqlite(connection: Any, record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute('PRAGMA journal_mode = WAL')  # readers and the writer do not wait for each other
    cursor.execute('PRAGMA synchronous = NORMAL')
    cursor.close()


@bp.get('/')
def page() -> str:
    """The whole game: the join form, the guess form and the top 10 of the player's range."""
    player = session.get('player')
    return render_template_string(PAGE, player=player and {**player, 'par': game.par(player['max_number'])})


@bp.post('/api/join')
def join() -> Any:
    """Take a name and a range (JSON ``{"name": ..., "max_number": "100"}``) and remember them in the session."""
    data = _json()
    try:
        name, max_number = game.parse_name(data.get('name')), game.parse_max_number(data.get('max_number'))
    except game.InvalidInput as error:
        return {'error': str(error)}, 422
    player_id = session.get('player', {}).get('id') or uuid.uuid4().hex  # the same browser stays the same player
    session['player'] = {'id': player_id, 'name': name, 'max_number': max_number}
    return {'name': name, 'max_number': max_number, 'par': game.par(max_number)}


@bp.post('/api/guess')
def guess() -> Any:
    """Answer a guess (JSON ``{"guess": "50"}``) with higher, lower or correct; a win is stored as a score."""
    player = session.get('player')
    if player is None:
        return {'error': 'Join first: choose a name and a range.'}, 401
    row = _current_round(player)
    rules = game.Round(max_number=row.max_number, secret=row.secret, guesses=list(row.guesses))
    try:
        answer = rules.guess(_json().get('guess'))
    except game.InvalidInput as error:
        db.rollback()  # a round dealt just now for this guess is not kept either
        return {'error': str(error)}, 422
    now = time.time()
    row.guesses = rules.guesses
    if row.started_at is None:
        row.started_at = now  # the clock starts at the first counted guess
    reply: dict[str, Any] = {'answer': answer.value, 'guesses': len(rules.guesses), 'possible': rules.possible}
    if rules.is_won:
        score = Score(player_id=player['id'], name=player['name'], max_number=row.max_number,
                      guesses=len(rules.guesses), time_ms=round((now - row.started_at) * 1000), finished_at=now,
                      history=rules.guesses)
        db.add(score)
        db.flush()  # assigns score.id
        reply.update(score_id=score.id, time_ms=score.time_ms, par=game.par(row.max_number), secret=row.secret)
    db.commit()
    return reply


@bp.post('/api/new-round')
def new_round() -> Any:
    """Deal a new round after a win ("Play again"); a round in progress is kept, like a reload keeps it."""
    player = session.get('player')
    if player is None:
        return {'error': 'Join first: choose a name and a range.'}, 401
    row = _current_round(player)
    db.commit()
    return {'max_number': row.max_number, 'guesses': len(row.guesses)}


@bp.get('/api/scores')
def scores() -> Any:
    """The top 10 of a range (``?max_number=100``, else the player's range): each player's best, best first."""
    player = session.get('player') or {}
    try:
        max_number = game.parse_max_number(request.args.get('max_number', str(player.get('max_number', 100))))
    except game.InvalidInput as error:
        return {'error': str(error)}, 422
    order = (Score.guesses, Score.time_ms, Score.id)  # fewer guesses, then faster, then whoever finished first
    ranked = select(Score, func.row_number().over(partition_by=Score.player_id, order_by=order).label('nth')) \
        .where(Score.max_number == max_number).subquery()
    best = aliased(Score, ranked)
    rows = db.scalars(select(best).where(ranked.c.nth == 1)
                      .order_by(best.guesses, best.time_ms, best.id).limit(BOARD_SIZE))
    return {'max_number': max_number, 'par': game.par(max_number),
            'rows': [{'id': score.id, 'name': score.name, 'guesses': score.guesses, 'time_ms': score.time_ms,
                      'mine': score.player_id == player.get('id')} for score in rows]}


def _current_round(player: dict[str, Any]) -> Round:
    """The player's round, or a new one if there is none, it is won, or the player changed range."""
    row = db.get(Round, player['id'])
    if row is None:
        row = Round(player_id=player['id'])
        db.add(row)
    elif row.max_number == player['max_number'] and not (row.guesses and row.guesses[-1] == row.secret):
        return row
    row.max_number, row.secret = player['max_number'], game.draw_secret(player['max_number'])
    row.guesses, row.started_at = [], None
    return row


def _json() -> dict[str, Any]:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


PAGE = '''<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hi-Lo (classic)</title></head>
<body>
<h1>Hi-Lo</h1>
<form id="join">
  <label>Your name <input name="name" maxlength="24" required></label>
  <label>Highest number <input name="max_number" value="100" inputmode="numeric" required></label>
  <button>Play</button> <span id="join-error" role="alert"></span>
</form>
<section id="game" hidden>
  <p>I'm thinking of a number from 1 to <span id="max"></span>. Par: <span id="par"></span> guesses.</p>
  <form id="guess">
    <label>Your guess <input name="guess" autocomplete="off" required></label> <button>Guess</button>
  </form>
  <p id="feedback" role="status"></p>
  <button id="again" hidden>Play again</button>
  <h2>Top 10</h2>
  <table><thead><tr><th>#</th><th>Name</th><th>Guesses</th><th>Seconds</th></tr></thead><tbody id="scores"></tbody>
  </table>
</section>
<script>
let player = {{ player|tojson }};
const $ = (id) => document.getElementById(id);
async function post(url, body) {
  const response = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json'},
                                     body: JSON.stringify(body)});
  return [response.ok, await response.json()];
}
function show() {
  $('max').textContent = player.max_number;
  $('par').textContent = player.par;
  $('game').hidden = false;
  refresh();
}
async function refresh() {
  if (!player) return;
  const data = await (await fetch(`/api/scores?max_number=${player.max_number}`)).json();
  $('scores').replaceChildren(...data.rows.map((row, index) => {
    const tr = document.createElement('tr');
    for (const cell of [index + 1, row.name, row.guesses, (row.time_ms / 1000).toFixed(1)]) {
      tr.insertCell().textContent = cell;  // text, never HTML
    }
    if (row.mine) tr.style.fontWeight = 'bold';
    return tr;
  }));
}
$('join').onsubmit = async (event) => {
  event.preventDefault();
  const [ok, data] = await post('/api/join', Object.fromEntries(new FormData(event.target)));
  $('join-error').textContent = ok ? '' : data.error;
  if (ok) { player = data; show(); }
};
$('guess').onsubmit = async (event) => {
  event.preventDefault();
  const box = event.target.guess;
  const [ok, data] = await post('/api/guess', {guess: box.value});
  box.value = '';
  const won = ok && data.answer === 'correct';
  $('feedback').textContent = !ok ? data.error : won ? `Correct! ${data.guesses} guesses (par ${data.par}).`
    : `${data.answer}: it is from ${data.possible[0]} to ${data.possible[1]} (guesses so far: ${data.guesses})`;
  $('again').hidden = !won;
};
$('again').onclick = async () => {
  await post('/api/new-round', {});
  $('again').hidden = true;
  $('feedback').textContent = 'New round: type a guess.';
};
setInterval(refresh, 2000);
if (player) show();
</script>
</body></html>
'''


def main() -> None:
    """Parse the options and hand over to gunicorn: one worker process with 8 threads."""
    parser = argparse.ArgumentParser(prog='python -m tests.load.classic.app', description=__doc__.split('\n')[0])
    parser.add_argument('--host', default='127.0.0.1', help='address to listen on (default: %(default)s)')
    parser.add_argument('--port', type=int, default=8000, help='port to listen on (default: %(default)s)')
    parser.add_argument('--database', type=Path, default=Path('classic.sqlite3'), help='the SQLite file')
    options = parser.parse_args()
    os.environ.setdefault('CLASSIC_SECRET_KEY', secrets.token_hex(32))
    # exec, not a child: this process becomes gunicorn's master, so whoever started it can stop it with SIGTERM.
    # No control socket: gunicorn's default one is a single path in the home folder that every server would share.
    os.execv(sys.executable, [sys.executable, '-m', 'gunicorn', '--workers', '1', '--worker-class', 'gthread',
                              '--threads', '8', '--bind', f'{options.host}:{options.port}', '--no-control-socket',
                              f'tests.load.classic.app:create_app({str(options.database.resolve())!r})'])


if __name__ == '__main__':
    main()
