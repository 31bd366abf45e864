"""The high-score board of one range: the top 10, kept up to date live, with the player's own rows marked."""
from __future__ import annotations

from typing import Any

from nicegui import ui

import db
import events
from nicegui_tuning import QuietTable

from .text import duration, range_text, when

# The When column is hidden on narrow phones (Quasar's gt-xs class), so the table fits in 360 px.
COLUMNS = (
    {'name': 'rank', 'label': '#', 'field': 'rank', 'align': 'right'},
    {'name': 'name', 'label': 'Name', 'field': 'name', 'align': 'left', 'classes': 'hilo-name'},
    {'name': 'guesses', 'label': 'Guesses', 'field': 'guesses', 'align': 'right'},
    {'name': 'time', 'label': 'Time', 'field': 'time', 'align': 'right'},
    {'name': 'when', 'label': 'When', 'field': 'when', 'align': 'left', 'classes': 'gt-xs', 'headerClasses': 'gt-xs'},
)


# The name cell of a board: a link to the replay of the game (ui/replay.py), or a note that the game has none. A click
# on a link to this site is caught by ui.sub_pages, which switches the view over the open connection: no page load,
# and no listener on the table (a listener would travel with every update of it, to every page). Vue writes {{ }} as
# text, never as HTML, so a name cannot inject anything.
NAME_CELL = r"""
<q-td :props="props">
  <a v-if="props.row.replay" :href="'/replay/' + props.row.id" class="hilo-player" title="Watch the replay"
     :aria-label="props.value + ': watch the replay'">{{ props.value }}</a>
  <span v-else><span class="hilo-player">{{ props.value }}</span> <span class="hilo-no-replay">(no replay)</span></span>
</q-td>
"""
LOADING = 'Loading the scores…'


class ScoreBoard(ui.card):
    """The top 10 of a range, shown by :meth:`show`; from then on it follows every new top-10 win of that range."""

    def __init__(self, *, player_id: str) -> None:
        super().__init__()
        self.player_id = player_id
        self.max_number: int | None = None  # the range shown
        self.loaded = False  # whether the rows of that range were read
        self.top_ten: list[db.Score] = []
        self.best: db.Standing | None = None  # the player's best score in this range, wherever it ranks
        self.classes('w-full')
        self.visible = False
        with self:
            # The title is the table's own (Quasar shows it above the rows): one element fewer on every open page.
            self.table = QuietTable(columns=COLUMNS, row_key='id') \
                .props(f'flat dense title="High scores" no-data-label="{LOADING}"').classes('w-full hilo-board') \
                .mark('scores')
            # Quasar asks this function for each row's CSS class: the player's own rows get highlighted.
            self.table.props[':table-row-class-fn'] = "row => row.mine ? 'hilo-mine' : ''"
            self.table.add_slot('body-cell-name', NAME_CELL)
            # The news of another player's win, below the rows it changed: updated in place, and read out by screen
            # readers.
            self.news = ui.label().classes('hilo-news').props('role=status aria-live=polite').mark('news')
            self.news.visible = False
            self.your_best = ui.label().classes('text-sm').mark('your-best')
        events.top_ten_changed.subscribe(self._on_top_ten_changed)

    async def show(self, max_number: int) -> None:
        """Show the board of a range, read from the database once; later changes arrive as events."""
        self.visible = True
        if max_number == self.max_number and self.loaded:
            return
        if max_number != self.max_number:
            self.max_number, self.loaded = max_number, False
            self.table.props['title'] = f'High scores · {range_text(max_number)}'
            self.news.visible = False
            self.table.props['no-data-label'] = LOADING
            self._show([], ())
        board = await db.board(max_number=max_number, player_id=self.player_id)
        if self.max_number == max_number and not self.is_deleted:  # the player may have moved on meanwhile
            self.best, self.loaded = board.best, True
            self.table.props['no-data-label'] = 'No scores yet. Be the first!'
            self._show(board.top_ten, _rows(board.top_ten))

    def hide(self) -> None:
        """Take the board out of sight (for views that do not show it); it keeps following its range."""
        self.visible = False

    def _handle_delete(self) -> None:
        # The view this board is on was closed while the page stays open (e.g. the welcome form gave way to the
        # game): stop listening, or the news of every win would keep reaching a board nobody sees.
        events.top_ten_changed.unsubscribe(self._on_top_ten_changed)
        super()._handle_delete()

    def own_win(self, win: db.Win) -> None:
        """Take note of a win by this player on this page: it may be a new personal best, and a win in the top 10
        shows its rows here at once, in the same message as the answer (``top_ten_changed`` brings them to every
        other page, in turns)."""
        if win.score.max_number != self.max_number:
            return
        if win.rank is not None and self._beats_best(win.score):
            self.best = db.Standing(score=win.score, rank=win.rank)
            if win.top_ten is None:
                self._show_best()  # (a win in the top 10 says it with its rows, below)
        if win.top_ten is not None and win.top_ten is not self.top_ten:
            self._show(win.top_ten, _rows(win.top_ten))

    def _on_top_ten_changed(self, change: events.TopTenChange) -> None:
        # Every open board hears every change, so this runs for each page: it only compares and assigns.
        if change.max_number != self.max_number or change.top_ten is self.top_ten:
            return  # another range's news, or this page's own win, shown with its answer (see own_win)
        winner = change.winner
        if winner.player_id == self.player_id:
            if self._beats_best(winner):  # won in another tab of this player
                rank = next(rank for rank, score in enumerate(change.top_ten, 1) if score.id == winner.id)
                self.best = db.Standing(score=winner, rank=rank)
        else:
            # A new top-10 score sorts before every score outside the top 10, so it pushes those down by one.
            if self.best is not None and self._beats_best(winner):
                self.best = db.Standing(score=self.best.score, rank=self.best.rank + 1)
            self.news.text = f'{winner.name} won {range_text(winner.max_number)} in {winner.guesses} guesses'
            self.news.visible = True
        self._show(change.top_ten, _rows_of_change(change))

    def _beats_best(self, score: db.Score) -> bool:
        return self.best is None or score.order_key < self.best.score.order_key

    def _show(self, top_ten: list[db.Score], rows: Rows) -> None:
        self.top_ten = top_ten
        shown = any(score.player_id == self.player_id for score in top_ten)
        if shown:  # the player's own rows are marked, so this page needs rows of its own
            rows = tuple({**row, 'name': f'{row["name"]} (you)', 'mine': True} if score.player_id == self.player_id
                         else row for score, row in zip(top_ten, rows, strict=True))
        # Rows are given as a tuple, which NiceGUI passes on as it is: it copies a list (and each dict in it) into
        # observable ones for every page, which cost more than all the rest of a broadcast to a thousand pages.
        self.table.props['rows'] = rows
        self._show_best()

    def _show_best(self) -> None:
        """Say where the player's best stands, unless the table already shows it."""
        shown = any(score.player_id == self.player_id for score in self.top_ten)
        if self.best is not None and not shown:
            self.your_best.text = f'Your best: #{self.best.rank:,} ' \
                                  f'({self.best.score.guesses} guesses, {duration(self.best.score.time_ms / 1000)})'
        self.your_best.visible = self.best is not None and not shown


Rows = tuple[dict[str, Any], ...]


def _rows(top_ten: list[db.Score]) -> Rows:
    """The table rows of a top 10, as everybody sees them (without the marks of a player's own rows)."""
    return tuple({'id': score.id, 'rank': rank, 'name': score.name, 'guesses': score.guesses,
                  'time': duration(score.time_ms / 1000), 'when': when(score.finished_at), 'mine': False,
                  'replay': score.moves is not None}
                 for rank, score in enumerate(top_ten, 1))


_latest: tuple[events.TopTenChange | None, Rows] = (None, ())


def _rows_of_change(change: events.TopTenChange) -> Rows:
    # One change reaches every open board at once: format its rows for the first board and reuse them for the rest.
    global _latest  # noqa: PLW0603
    if _latest[0] is not change:
        _latest = (change, _rows(change.top_ten))
    return _latest[1]
