"""The scores view ``/scores``: the board of any range, and the all-ranges board ranked by efficiency, both live."""
from __future__ import annotations

from typing import Any

from nicegui import app, ui

import db
import events
import game
from nicegui_tuning import QuietTable

from .score_board import NAME_CELL, ScoreBoard
from .text import duration, range_text

# Guesses and time are hidden on narrow phones (Quasar's gt-xs class), so the table fits in 360 px.
COLUMNS = (
    {'name': 'rank', 'label': '#', 'field': 'rank', 'align': 'right'},
    {'name': 'name', 'label': 'Name', 'field': 'name', 'align': 'left', 'classes': 'hilo-name'},
    {'name': 'range', 'label': 'Range', 'field': 'range', 'align': 'left'},
    {'name': 'guesses', 'label': 'Guesses', 'field': 'guesses', 'align': 'right', 'classes': 'gt-xs',
     'headerClasses': 'gt-xs'},
    {'name': 'efficiency', 'label': 'Efficiency', 'field': 'efficiency', 'align': 'right'},
    {'name': 'time', 'label': 'Time', 'field': 'time', 'align': 'right', 'classes': 'gt-xs', 'headerClasses': 'gt-xs'},
)
Rows = tuple[dict[str, Any], ...]


async def scores_page(board: ScoreBoard) -> None:
    """Show the all-ranges board and, below it, the board of a range (the player's own range first).

    ``board`` is the page's board of a range (see ui/site.py), below this view: the range to show is chosen just
    above it.
    """
    ui.page_title('Scores · Hi-Lo')
    try:
        chosen = game.parse_max_number(str(app.storage.user.get('max_number', game.DEFAULT_MAX)))
    except game.InvalidInput:
        chosen = game.DEFAULT_MAX
    ranges = sorted({*game.PRESET_MAXES, chosen, *(score.max_number for score in await db.range_bests())})
    overall = await db.top_overall(limit=db.BOARD_SIZE)
    await board.show(chosen)  # read only if the board shows another range (or none yet)

    ui.label('High scores').classes('text-2xl font-bold').props('role=heading aria-level=1')
    AllRangesBoard(player_id=app.storage.browser['id'], scores=overall)
    picker = RangePicker(ranges, value=chosen)
    picker.on_value_change(lambda event: board.show(event.value))  # the board reads its new range once


class RangePicker(ui.select):
    """Chooses the range whose board is shown: the presets and every range that has scores, even one won just now."""

    def __init__(self, ranges: list[int], *, value: int) -> None:
        super().__init__({number: range_text(number) for number in ranges}, value=value, label='Board of the range')
        self.ranges = set(ranges)
        self.props('outlined').classes('w-full sm:w-64').mark('range')
        events.top_ten_changed.subscribe(self._on_top_ten_changed)

    def _on_top_ten_changed(self, change: events.TopTenChange) -> None:
        if change.max_number not in self.ranges:  # the first win of a range nobody had won
            self.ranges.add(change.max_number)
            self.set_options({number: range_text(number) for number in sorted(self.ranges)}, value=self.value)

    def _handle_delete(self) -> None:
        events.top_ten_changed.unsubscribe(self._on_top_ten_changed)
        super()._handle_delete()


class AllRangesBoard(ui.card):
    """Each player's best across all ranges, ranked by efficiency (par ÷ guesses), then time, kept up to date live.

    Every change of this board comes with a win that entered its own range's top 10 (a game in the top 10 of all
    ranges is in the top 10 of its range too), so the board follows ``events.top_ten_changed``, like a range's board,
    and merges the winner in: no database query per page.
    """

    def __init__(self, *, player_id: str, scores: list[db.Score]) -> None:
        super().__init__()
        self.player_id = player_id
        self.scores = scores
        self.classes('w-full')
        with self:
            ui.label('All ranges').classes('text-lg font-bold').props('role=heading aria-level=2')
            ui.label('Each player\'s best game of any range. Efficiency is par ÷ guesses: 1.00 is on par, higher is '
                     'better, so 7 guesses at 1–100 (par 7) rank with 10 at 1–1,000 (par 10). Ties go to the faster.') \
                .classes('text-sm')
            self.table = QuietTable(columns=COLUMNS, row_key='id') \
                .props('flat dense no-data-label="No scores yet. Be the first!"').classes('w-full').mark('all-ranges')
            self.table.props[':table-row-class-fn'] = "row => row.mine ? 'hilo-mine' : ''"
            self.table.add_slot('body-cell-name', NAME_CELL)
        self._show()
        events.top_ten_changed.subscribe(self._on_top_ten_changed)

    def _on_top_ten_changed(self, change: events.TopTenChange) -> None:
        winner = change.winner
        if not winner.is_best_overall:
            return  # a range best that is not the player's best across ranges changes nothing here
        others = [score for score in self.scores if score.player_id != winner.player_id]
        self.scores = sorted([*others, winner], key=_overall_order)[:db.BOARD_SIZE]
        self._show()

    def _show(self) -> None:
        rows = _rows(self.scores)
        if any(score.player_id == self.player_id for score in self.scores):
            rows = tuple({**row, 'name': f'{row["name"]} (you)', 'mine': True} if score.player_id == self.player_id
                         else row for score, row in zip(self.scores, rows, strict=True))
        self.table.props['rows'] = rows  # a tuple: NiceGUI passes it on as it is (see ui/score_board.py)

    def _handle_delete(self) -> None:
        events.top_ten_changed.unsubscribe(self._on_top_ten_changed)
        super()._handle_delete()


def _overall_order(score: db.Score) -> tuple[float, int, int]:
    """The all-ranges board's order: the highest efficiency, then the shortest time, then the first to finish."""
    return -(score.efficiency or 0.0), score.time_ms, score.id or 0


def _rows(scores: list[db.Score]) -> Rows:
    """The table rows, as everybody sees them; formatted once for all pages showing the same board."""
    global _latest  # noqa: PLW0603
    key = tuple(score.id for score in scores)
    if _latest[0] != key:
        _latest = (key, tuple(
            {'id': score.id, 'rank': rank, 'name': score.name, 'range': range_text(score.max_number),
             'guesses': score.guesses, 'efficiency': f'{score.efficiency or 0:.2f}',
             'time': duration(score.time_ms / 1000), 'mine': False, 'replay': score.moves is not None}
            for rank, score in enumerate(scores, 1)))
    return _latest[1]


_latest: tuple[tuple[int | None, ...], Rows] = ((), ())
