"""The high-score board of one range: the top 10, kept up to date live, with the player's own rows marked."""
from __future__ import annotations

from typing import Any

from nicegui import ui

import db
import events

from .text import duration, range_text, when

# The When column is hidden on narrow phones (Quasar's gt-xs class), so the table fits in 360 px.
COLUMNS = [
    {'name': 'rank', 'label': '#', 'field': 'rank', 'align': 'right'},
    {'name': 'name', 'label': 'Name', 'field': 'name', 'align': 'left', 'classes': 'hilo-name'},
    {'name': 'guesses', 'label': 'Guesses', 'field': 'guesses', 'align': 'right'},
    {'name': 'time', 'label': 'Time', 'field': 'time', 'align': 'right'},
    {'name': 'when', 'label': 'When', 'field': 'when', 'align': 'left', 'classes': 'gt-xs', 'headerClasses': 'gt-xs'},
]


class ScoreBoard(ui.card):
    """The top 10 of a range. Call :meth:`show` to pick the range; from then on it follows every new top-10 win."""

    def __init__(self, *, player_id: str) -> None:
        super().__init__()
        self.player_id = player_id
        self.max_number: int | None = None
        self.top_ten: list[db.Score] = []
        self.best: db.Standing | None = None  # the player's best score in this range, wherever it ranks
        self.classes('w-full')
        with self:
            self.title = ui.label('High scores').classes('text-lg font-bold')
            self.table = ui.table(columns=COLUMNS, rows=[], row_key='id') \
                .props('flat dense').classes('w-full').mark('scores')
            with self.table.add_slot('no-data'), ui.row().classes('items-center gap-2'):
                ui.icon('emoji_events', color='accent')
                ui.label('No scores yet. Be the first!')
            # Quasar asks this function for each row's CSS class: the player's own rows get highlighted.
            self.table.props[':table-row-class-fn'] = "row => row.mine ? 'hilo-mine' : ''"
            self.your_best = ui.label().classes('text-sm').mark('your-best')
        events.top_ten_changed.subscribe(self._on_top_ten_changed)

    async def show(self, max_number: int) -> None:
        """Show the board of a range, read from the database once; later changes arrive as events."""
        self.max_number = max_number
        self.title.text = f'High scores · {range_text(max_number)}'
        top_ten = await db.top_ten(max_number=max_number)
        best = await db.best_standing(player_id=self.player_id, max_number=max_number)
        if self.max_number == max_number:  # the player may have picked another range while we were reading
            self.best = best
            self._show(top_ten)

    def own_win(self, win: db.Win) -> None:
        """Take note of a win by this player on this page: it may be a new personal best."""
        if win.score.max_number == self.max_number and self._is_new_best(win.score):
            self.best = db.Standing(score=win.score, rank=win.rank)
            self._show(self.top_ten)

    def _on_top_ten_changed(self, change: events.TopTenChange) -> None:
        if change.max_number != self.max_number:
            return
        winner = change.winner
        if winner.player_id == self.player_id:
            if self._is_new_best(winner):  # won in another tab of this player
                rank = next(rank for rank, score in enumerate(change.top_ten, 1) if score.id == winner.id)
                self.best = db.Standing(score=winner, rank=rank)
        else:
            # A new top-10 score sorts before every score outside the top 10, so it pushes those down by one.
            if self.best is not None and winner.order_key < self.best.score.order_key:
                self.best = db.Standing(score=self.best.score, rank=self.best.rank + 1)
            # A notification element (rather than ui.notify) belongs to this page, like every other element here.
            ui.notification(f'{winner.name} won {range_text(winner.max_number)} in {winner.guesses} guesses',
                            position='top', type='info', timeout=4)
        self._show(change.top_ten)

    def _is_new_best(self, score: db.Score) -> bool:
        return self.best is None or score.order_key < self.best.score.order_key

    def _show(self, top_ten: list[db.Score]) -> None:
        self.top_ten = top_ten
        self.table.rows = [self._row(rank, score) for rank, score in enumerate(top_ten, 1)]
        shown = any(score.player_id == self.player_id for score in top_ten)
        if self.best is not None and not shown:
            self.your_best.text = f'Your best: #{self.best.rank:,} ' \
                                  f'({self.best.score.guesses} guesses, {duration(self.best.score.time_ms / 1000)})'
        self.your_best.visible = self.best is not None and not shown

    def _row(self, rank: int, score: db.Score) -> dict[str, Any]:
        mine = score.player_id == self.player_id
        return {
            'id': score.id,
            'rank': rank,
            'name': f'{score.name} (you)' if mine else score.name,
            'guesses': score.guesses,
            'time': duration(score.time_ms / 1000),
            'when': when(score.finished_at),
            'mine': mine,
        }
