"""The learner's window: a "How it works" switch on the game view, which opens a window beside the game (below it on a
phone) that shows each of the player's own actions going through every layer of the app.

A closed window costs nothing: the page has the switch and no other element of it, and no hook runs for it (see
ui/tracer.py). An open one shows the last :data:`~ui.tracer.KEPT` actions, newest first, each as one element that is
built when the action is finished; closing the window, or the page, drops them.
"""
from __future__ import annotations

from nicegui import ui
from nicegui.events import ValueChangeEventArguments

from .game_panel import GamePanel
from .layers import README, Action, render
from .tracer import KEPT, Tracer

INTRO = 'Each thing you do here (a guess, a win, Play again) goes from your browser to Python, to the database ' \
        'and back. Make a guess and watch it go, newest first.'


class HowItWorks(ui.switch):
    """The switch; ``follow`` tells it which game panel's actions to show."""

    def __init__(self) -> None:
        super().__init__('How it works', on_change=self._toggle)
        self.panel: GamePanel | None = None
        self.window: Window | None = None
        self.classes('hilo-window-switch').mark('how-it-works')

    def follow(self, panel: GamePanel) -> None:
        """Show the actions of this game panel."""
        self.panel = panel

    async def _toggle(self, event: ValueChangeEventArguments) -> None:
        panel = self.panel
        if event.value and self.window is None and panel is not None and not panel.is_deleted:
            # Right after the game, in the view's own container: its CSS (.hilo-window in hilo.css) puts the window
            # beside the game on a wide screen, below it on a phone.
            view = panel.parent_slot.parent if panel.parent_slot is not None else None
            if view is None:
                return
            self.window = Window(panel)
            self.window.move(view, target_index=view.default_slot.children.index(panel) + 1)
            await self.window.tracer.start()
        elif not event.value and self.window is not None:
            window, self.window = self.window, None
            window.delete()  # which stops its tracer (Window._handle_delete)


class Window(ui.card):
    """The open window: a few words, a Clear button and one element per finished action, newest first."""

    def __init__(self, panel: GamePanel) -> None:
        super().__init__()
        self.classes('hilo-window w-full gap-2').props('role=region aria-label="How it works"').mark('window')
        self.entries: list[tuple[Action, ui.html]] = []
        with self:
            with ui.row().classes('w-full items-center justify-between no-wrap'):
                ui.label('How it works').classes('text-lg font-bold').props('role=heading aria-level=2')
                ui.button('Clear', icon='delete_sweep', on_click=self.forget).props('flat dense').mark('clear')
            ui.html(f'{INTRO} <a href="{README}#learners-window" target="_blank">About this window</a>') \
                .classes('text-sm')
            self.empty = ui.label('Nothing yet.').classes('text-sm italic')
            self.list = ui.column().classes('w-full gap-2').mark('actions')
        self.tracer = Tracer(panel, self.add)

    def add(self, action: Action) -> None:
        """Show a finished action at the top, folding the one before it; keep the newest :data:`KEPT`."""
        if self.is_deleted:
            return
        with self.list:
            entry = ui.html(render(action, newest=True), tag='article').classes('hilo-action')
        entry.move(self.list, target_index=0)
        if self.entries:
            previous, element = self.entries[0]
            element.content = render(previous, newest=False)
        self.entries.insert(0, (action, entry))
        while len(self.entries) > KEPT:
            self.entries.pop()[1].delete()
        self.empty.visible = False

    def forget(self) -> None:
        """Forget every action shown (the Clear button)."""
        self.list.clear()
        self.entries.clear()
        self.empty.visible = True

    def _handle_delete(self) -> None:
        # The window closes with the switch, and with the page or the view (they delete their elements).
        self.tracer.stop()
        super()._handle_delete()
