"""The game view ``/play``: a round in the chosen range, with the live board of that range below it."""
from __future__ import annotations

from nicegui import app, ui

import db
import game

from .game_panel import GamePanel
from .how_it_works import HowItWorks
from .playing import PlayingNow
from .score_board import ScoreBoard
from .text import range_text


async def play_page(board: ScoreBoard) -> None:
    """Resume the player's round in their range (or start one); without a name, go to the welcome view first."""
    try:
        name = game.parse_name(app.storage.user.get('name'))
        max_number = game.parse_max_number(str(app.storage.user.get('max_number')))
    except game.InvalidInput:
        ui.navigate.to('/')
        return
    ui.page_title(f'Play {range_text(max_number)} · Hi-Lo')
    player_id = app.storage.browser['id']
    active = await db.resume_or_start_round(player_id=player_id, max_number=max_number)
    await board.show(max_number)  # read only if the board shows another range (or none yet)
    how_it_works = HowItWorks()  # the switch that opens the learner's window beside the game
    panel = GamePanel(active, name=name, player_id=player_id)  # built once everything is read: it shows at once
    how_it_works.follow(panel)
    PlayingNow(max_number, seated=True)  # this page counts as a player of the range while the game is open
    panel.won.subscribe(board.own_win)  # messages go up from the panel; the page passes them down to the board
