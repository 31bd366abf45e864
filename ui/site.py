"""The one page behind every address of the game: the frame, and inside it the view for the address.

Moving from one view to another (the welcome form to the game, say) happens over the open connection: the server
swaps the view inside the frame and the browser changes the address, with no new page load. A player who arrives
costs the server one page, one connection and the views they open. ``ROUTES`` maps each address to its view.
"""
from __future__ import annotations

from .frame import frame
from .not_found import Views
from .play import play_page
from .welcome import welcome_page

ROUTES = {
    '/': welcome_page,
    '/play': play_page,
}


def hilo_page() -> None:
    """Build the frame and the view for the address the browser asked for."""
    with frame():
        Views(ROUTES)  # ui.sub_pages, with a Hi-Lo page for an unknown address (ui/not_found.py)
