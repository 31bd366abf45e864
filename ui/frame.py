"""The frame every page shares: title, header, colour theme and a centred column for the content.

Every element costs the server time to create, on every page load, so the frame keeps to the few it needs.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import app, ui

# Light, dark, or whatever the player's system prefers (None); the button cycles through them.
THEMES: dict[bool | None, tuple[str, str]] = {
    None: ('brightness_auto', 'Colour theme: as the system (switch to dark)'),
    True: ('dark_mode', 'Colour theme: dark (switch to light)'),
    False: ('light_mode', 'Colour theme: light (switch to system)'),
}
NEXT_THEME: dict[bool | None, bool | None] = {None: True, True: False, False: None}


@contextmanager
def frame() -> Iterator[None]:
    """Lay out a page: ``with frame(): ...`` puts the content below a shared header."""
    content = ui.context.client.content  # NiceGUI's own column for a page's content, laid out here
    content.classes('w-full max-w-3xl mx-auto p-3 sm:p-4 gap-4').props('tabindex=-1')
    dark = ui.dark_mode(app.storage.user.get('dark'))
    with ui.header().classes('items-center justify-between px-4 py-2'):
        # Fixed HTML with two links, as one element: every element costs the server time on every page load.
        # The first link is for keyboard players: their first Tab reaches it, and it jumps past the header to the
        # content (WCAG 2.4.1); it stays out of sight until then. The second goes home.
        ui.html(f'<a class="hilo-skip-link" href="#{content.html_id}">Skip to the game</a>'
                '<a class="hilo-brand" href="/">Hi-Lo</a>'
                '<a class="hilo-header-link" href="/scores">Scores</a>').classes('flex grow items-center')
        _theme_button(dark)
    with content:
        yield


def _theme_button(dark: ui.dark_mode) -> None:
    def switch() -> None:
        dark.value = NEXT_THEME.get(dark.value)
        app.storage.user['dark'] = dark.value
        show()

    def show() -> None:
        icon, label = THEMES.get(dark.value, THEMES[None])
        button.props(f'icon={icon} aria-label="{label}" title="{label}"')  # the title shows as a tooltip

    button = ui.button(on_click=switch).props('flat round color=white').mark('theme')
    show()
