"""The one page behind every address of the game: the frame, and inside it the view for the address.

Moving from one view to another (the welcome form to the game, say) happens over the open connection: the server
swaps the view inside the frame and the browser changes the address, with no new page load. A player who arrives
costs the server one page, one connection and the views they open. ``ROUTES`` maps each address to its view.

The high-score board below the view belongs to the page, not to a view: the welcome form and the game show the
same board (of the range chosen, then played), so signing in neither rebuilds it nor reads it again. A view that
wants it gets it as its ``board`` argument and calls ``board.show(range)``; other views leave it hidden.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import app, ui

from .frame import frame
from .not_found import Views
from .play import play_page
from .replay import replay_page
from .score_board import ScoreBoard
from .scores import scores_page
from .welcome import welcome_page

ROUTES: dict[str, Callable[..., Any]] = {
    '/': welcome_page,
    '/play': play_page,
    '/scores': scores_page,
    '/replay/{score_id}': replay_page,
}


def hilo_page() -> None:
    """Build the frame and the view for the address the browser asked for."""
    with frame():
        board = ScoreBoard(player_id=app.storage.browser['id'])
        ui.context.client.sub_pages_router.on_path_changed(lambda _: board.hide())  # before the next view is built
        Views(ROUTES, data={'board': board})  # ui.sub_pages, with a Hi-Lo page for an unknown address (ui/not_found.py)
        board.move(target_index=-1)  # below the view
