"""'N playing now': how many have a game of a range open, kept up to date from ``presence.changed``."""
from __future__ import annotations

from nicegui import ui

import presence

from .text import range_text


class PlayingNow(ui.label):
    """The number of players of a range, live. ``seated=True`` (on the game view) also counts this page as one of
    them for as long as the label is on it: the label leaves with its view, so the count follows the view."""

    def __init__(self, max_number: int, *, seated: bool = False) -> None:
        super().__init__()
        self.max_number = max_number
        self.seat = presence.sit(self.client, max_number) if seated else None
        self.classes('text-sm').mark('playing-now')
        self._show()
        # Not a live region: a count that changes every half second would keep interrupting a screen reader.
        presence.changed.subscribe(self._on_changed)

    def show(self, max_number: int) -> None:
        """Show the count of another range (the welcome form's range changed)."""
        self.max_number = max_number
        self._show()

    def _on_changed(self, max_number: int) -> None:
        # Every label hears the news of every range: compare, and only then touch the text.
        if max_number == self.max_number:
            self._show()

    def _show(self) -> None:
        count = presence.playing(self.max_number)
        if self.seat is not None:
            # This page counts from when it is connected; until then, the player reading this is one of them.
            count = max(count, 1)
            self.text = 'Only you are playing this range right now' if count == 1 else f'{count:,} playing now'
        else:
            self.text = f'Nobody is playing {range_text(self.max_number)} right now' if not count else \
                f'{count:,} playing {range_text(self.max_number)} now'
        self.classes(add='hilo-playing' if count else None, remove=None if count else 'hilo-playing')  # a green dot

    def _handle_delete(self) -> None:
        presence.changed.unsubscribe(self._on_changed)
        if self.seat is not None:
            presence.leave(self.client, self.seat)
        super()._handle_delete()
