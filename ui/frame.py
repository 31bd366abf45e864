"""The frame every page shares: title, header, colour theme and a centred column for the content.

Every element costs the server time to create, on every page load, so the frame keeps to the few it needs.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nicegui import app, ui
from nicegui.events import GenericEventArguments

# Light, dark, or whatever the player's system prefers (None). Each click switches between light and dark, so that it
# always changes what the player sees; a choice that matches the system is stored as "as the system" (see next_theme).
THEMES: dict[bool | None, tuple[str, str]] = {
    None: ('brightness_auto', 'Colour theme: as the system (switch between light and dark)'),
    True: ('dark_mode', 'Colour theme: dark (switch to light)'),
    False: ('light_mode', 'Colour theme: light (switch to dark)'),
}
# With the click, the browser says whether the page is dark now and whether the system prefers dark.
SHOWN_AND_SYSTEM_JS = "() => emit(document.body.classList.contains('body--dark'), " \
                      "matchMedia('(prefers-color-scheme: dark)').matches)"


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


def link_stylesheet(file: Path, *, url_path: str) -> None:
    """Link every page to a stylesheet served at ``url_path`` (a folder of static files) instead of writing it in.

    Written into every page, as ``ui.add_css`` does, the 13 KB of Hi-Lo's were 40% of each page the server built,
    compressed and sent. As a file, the browser keeps it (NiceGUI lets browsers keep static files for an hour).
    """
    ui.add_head_html(stylesheet_link(file, url_path=url_path), shared=True)


def stylesheet_link(file: Path, *, url_path: str) -> str:
    """The ``<link>`` to a stylesheet, its address carrying a hash of its content: a changed file is fetched anew."""
    digest = hashlib.sha256(file.read_bytes()).hexdigest()[:12]
    return f'<link rel="stylesheet" href="{url_path}/{file.name}?v={digest}">'


def next_theme(value: bool | None, args: object) -> bool | None:
    """The theme after a click on the theme button: the opposite of what the page shows now.

    ``args`` is what the browser sent (see SHOWN_AND_SYSTEM_JS). Without it (NiceGUI's simulated test user runs no
    JavaScript, and a forged message may send anything), the page is taken to show what ``value`` says on a light
    system. A theme equal to the system's is stored as None, so that the page follows the system again.
    """
    shown_dark, system_dark = args if isinstance(args, list) and len(args) == 2 and \
        all(isinstance(arg, bool) for arg in args) else (value is True, False)
    wanted = not shown_dark
    return None if wanted == system_dark else wanted


def _theme_button(dark: ui.dark_mode) -> None:
    def switch(event: GenericEventArguments) -> None:
        dark.value = next_theme(dark.value, event.args)
        app.storage.user['dark'] = dark.value
        show()

    def show() -> None:
        icon, label = THEMES.get(dark.value, THEMES[None])
        button.props(f'icon={icon} aria-label="{label}" title="{label}"')  # the title shows as a tooltip

    button = ui.button().props('flat round color=white').mark('theme')
    button.on('click', switch, js_handler=SHOWN_AND_SYSTEM_JS)
    show()
