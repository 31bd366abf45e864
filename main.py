#!/usr/bin/env python3
"""Hi-Lo: start here. ``python main.py`` serves the game on http://localhost:8080 (``--help`` lists the options).

This file only wires the parts together; each part lives in its own place:
``settings.py`` (options), ``game.py`` (the rules), ``db/`` (the database), ``events.py`` (news between pages),
``socket_guard.py`` (checks on every message from a browser), ``admission.py`` (a waiting room for busy moments),
``compressed_files.py`` (NiceGUI's files, compressed once),
``nicegui_tuning.py``, ``nicegui_quiet_changes.py`` and ``nicegui_middleware.py`` (workarounds for costs inside
NiceGUI), ``gc_tuning.py`` (Python's garbage collector) and ``ui/`` (the pages players see).
"""
import signal
import sys
from pathlib import Path
from types import FrameType

from nicegui import app, background_tasks, ui
from nicegui.storage import Storage

import admission
import api
import compressed_files
import db
import gc_tuning
import news
import nicegui_middleware
import nicegui_quiet_changes
import nicegui_tuning
import presence
import settings
import socket_guard
from ui import readme
from ui.frame import link_stylesheet
from ui.site import ROUTES, hilo_page  # our own ui/ package; `ui` on its own means NiceGUI's ui below

ASSETS = Path(__file__).parent / 'assets'

try:
    config = settings.load(sys.argv[1:])
    db.start(config.database_url or config.database, echo=config.echo_sql)
except (settings.SettingsError, db.DatabaseUnusable) as error:
    sys.exit(f'hilo: {error}')  # one clear line and exit code 1, instead of a traceback

Storage.path = config.sessions_dir
gc_tuning.install()  # Python's garbage collector, set for thousands of page elements
nicegui_tuning.install()
nicegui_quiet_changes.install()  # an element's change while its update waits to be sent costs nothing
nicegui_middleware.install()  # before ui.run, which adds them
app.on_shutdown(db.stop)
if Storage.redis_url:  # several instances share the players: news shown live travels between them (news.py)
    news.install(Storage.redis_url)
socket_guard.install(allowed_origins=config.allowed_origins)
# When a whole school arrives at once, newcomers wait in line on a small page instead of slowing everyone down.
waiting_room = admission.WaitingRoom(joins_per_second=config.joins_per_second)
app.add_middleware(admission.WaitingRoomMiddleware, room=waiting_room,
                   other=('/_nicegui', '/assets', '/api', '/docs', '/redoc', '/openapi.json', '/favicon.ico'))
app.on_startup(lambda: background_tasks.create(waiting_room.watch(), name='waiting room'))
app.add_middleware(compressed_files.CompressedOnce)  # NiceGUI's files, compressed once, not per visit
app.add_static_files('/assets', ASSETS)
readme.install()  # /readme: the learner's window links to it
api.install(app)  # the JSON API (api/), documented at /docs (only its own routes: those above are not API)
presence.install()  # 'N playing now': counts the open game views of each range
link_stylesheet(ASSETS / 'hilo.css', url_path='/assets')  # every page links it; browsers keep it (ui/frame.py)
ui.add_body_html(f'<script>{(ASSETS / "hilo.js").read_text()}</script>', shared=True)  # what it does: see the file
app.colors(primary='#4f46e5', secondary='#0d9488', accent='#f59e0b')
# Quasar's loading bar runs along the top during every XMLHttpRequest, which Hi-Lo never makes itself (its messages go
# over the websocket): it would only flicker, with no accessible name, whenever Socket.IO falls back to polling.
app.config.quasar_config['loadingBar']['skipHijack'] = True

# Every address of the game is one page (ui/site.py), which shows the view for the address inside the frame; an
# unknown address gets the frame with a "not found" view (the root page). When hundreds of players arrive at once,
# building a page can take longer than NiceGUI's default of 3 s: a slow page is better than an error page.
for path in ROUTES:
    ui.page(path, response_timeout=20)(hilo_page)


def stopped(signal_number: int, frame: FrameType | None) -> None:
    """Ctrl+C (SIGINT) or SIGTERM: one line and exit status 0, after uvicorn has shut the game down cleanly."""
    print('hilo: stopped', flush=True)
    sys.exit(0)


# While it serves, uvicorn catches both signals and shuts down (on_shutdown runs db.stop, which stores the guesses on
# their way), then raises the signal again for the handler that was there before: Python's own would print a
# KeyboardInterrupt traceback for Ctrl+C and end with status -15 for SIGTERM. This one says so in one line instead.
before = {stop_signal: signal.signal(stop_signal, stopped) for stop_signal in (signal.SIGINT, signal.SIGTERM)}

# reconnect_timeout: a page whose connection drops for a few seconds (a train, a flaky Wi-Fi) carries on as it was;
# after 5 s without it, the server lets the page go and the browser reloads it, into the same round.
ui.run(hilo_page, host=config.host, port=config.port, title='Hi-Lo', favicon=ASSETS / 'favicon.svg', dark=None,
       language='en-GB',  # <html lang="en-GB"> for screen readers (and Quasar's own words in British English)
       storage_secret=config.storage_secret, show=config.open_browser, reload=False, reconnect_timeout=5.0,
       gzip_middleware_factory=compressed_files.quick_gzip,  # pages compressed quickly (files: compressed once)
       fastapi_docs=api.DOCS)  # /docs, /redoc and /openapi.json list the API's routes (and not the pages)
# ui.run comes back here only if it did not serve (in NiceGUI's simulated tests, say): leave the signals as they were.
for stop_signal, handler in before.items():
    signal.signal(stop_signal, handler)
