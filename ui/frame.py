"""The frame every page shares: title, header, colour theme and a centred column for the content.

Every element costs the server time to create, on every page load, so the frame keeps to the few it needs.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
        _theme_button(dark)
    with ui.column().classes('w-full max-w-3xl mx-auto p-3 sm:p-4 gap-4').props(f'id={CONTENT_ID} tabindex=-1'):
        yield


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
