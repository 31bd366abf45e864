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
CONTENT_ID = 'content'  # where the skip link jumps to


@contextmanager
def frame() -> Iterator[None]:
    """Lay out a page: ``with frame(): ...`` puts the content below a shared header."""
    dark = ui.dark_mode(app.storage.user.get('dark'))
    with ui.header().classes('items-center justify-between px-4 py-2'):
        # A keyboard player's first Tab reaches this link, which jumps past the header (WCAG 2.4.1). A plain link to
        # an anchor: the browser moves the focus itself, and the server builds one element for it.
        ui.link('Skip to the game', f'#{CONTENT_ID}').classes('hilo-skip-link')
        with ui.link(target='/').classes('flex items-center gap-2 text-white no-underline'):
            ui.icon('casino', size='sm')
            ui.label('Hi-Lo').classes('text-xl font-bold')
        ui.link('Scores', '/scores').classes('ml-auto px-2 text-white').mark('scores-link')  # next to the theme button
        _theme_button(dark)
    with ui.column().classes('w-full max-w-3xl mx-auto p-3 sm:p-4 gap-4').props(f'id={CONTENT_ID} tabindex=-1'):
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
