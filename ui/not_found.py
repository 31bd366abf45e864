"""The view for an address the game does not have: a Hi-Lo page that says so and leads back home (HTTP 404)."""
from __future__ import annotations

from nicegui import ui


class Views(ui.sub_pages):
    """``ui.sub_pages`` with Hi-Lo's own view for an unknown address instead of NiceGUI's one-line "404" label.

    NiceGUI calls ``_render_404`` whenever the address matches no route, on the first load (which it answers with
    HTTP status 404) as well as when the player follows a link inside the page. tests/browser/test_not_found.py fails if
    a NiceGUI upgrade stops calling it.
    """

    def _render_404(self) -> None:
        # An unknown address below a known one (/play/x) first starts that view, which may still be reading the
        # database: stop it, or it would go on to build its elements below this one.
        self._cancel_active_tasks()
        not_found_view(self._router.current_path)


def not_found_view(path: str) -> None:
    """Say that there is nothing at ``path``, with a link to the welcome page."""
    ui.status_code(404)
    ui.page_title('Not found · Hi-Lo')
    with ui.card().classes('w-full gap-3'):
        ui.label('This page does not exist').classes('text-2xl font-bold').props('role=heading aria-level=1')
        ui.label(f'There is nothing at {path} in Hi-Lo. Perhaps the address was mistyped, or the link is old.') \
            .classes('hilo-name')  # a long address wraps on a phone
        ui.link('Back to the game', '/').classes('text-lg text-primary').mark('home')
