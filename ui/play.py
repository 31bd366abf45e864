"""The game page ``/play``: a round in the chosen range, with the live board of that range below it."""
from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import app

import db
import game

from .frame import frame
from .game_panel import GamePanel
from .score_board import ScoreBoard
from .text import range_text


async def play_page() -> RedirectResponse | None:
    """Resume the player's round in their range (or start one); without a name, go to the welcome page first."""
    try:
        name = game.parse_name(app.storage.user.get('name'))
        max_number = game.parse_max_number(str(app.storage.user.get('max_number')))
    except game.InvalidInput:
        return RedirectResponse('/')
    player_id = app.storage.browser['id']
    active = await db.resume_or_start_round(player_id=player_id, max_number=max_number)
    with frame(f'Play {range_text(max_number)}'):
        panel = GamePanel(active, name=name, player_id=player_id)
        board = ScoreBoard(player_id=player_id)
    panel.won.subscribe(board.own_win)  # messages go up from the panel; the page passes them down to the board
    await board.show(max_number)
    return None
