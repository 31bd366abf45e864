"""The JSON the API sends: one pydantic class per shape, which FastAPI checks every response against and describes
in the OpenAPI schema (``/openapi.json``, shown at ``/docs``).

There is no field here for a player's id or the secret of a round in progress: what is not in these classes cannot
reach a response, whatever the database holds.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

import game


class ScoreRow(BaseModel):
    """One row of a board: a player's best score."""

    rank: int = Field(ge=1, description='Place on this board: 1 is the best.')
    id: int = Field(description='The score: `/api/scores/{id}` has its guesses, `/replay/{id}` replays it.')
    name: str = Field(description='The name the player gave; show it as text, never as HTML.')
    max_number: int = Field(description='The range played: the secret was from 1 to `max_number`.')
    guesses: int = Field(description='Counted guesses, the winning one included.')
    par: int = Field(description='Guesses that halving the range every time needs at worst: ceil(log2(max + 1)).')
    efficiency: float = Field(description='par ÷ guesses: 1.0 is on par, more is better. The all-ranges board '
                                          'sorts by it.')
    time_ms: int = Field(description='Milliseconds from the first guess to the winning one, timed by the server.')
    finished_at: datetime = Field(description='When the round was won (UTC).')
    replay: bool = Field(description='Whether the guesses were stored. Scores from before replays existed have none.')


class RangeBoard(BaseModel):
    """The board of one range: its best players, one row each."""

    max_number: int
    par: int
    playing_now: int = Field(description='Players with a game of this range open right now.')
    scores: list[ScoreRow]


class AllRangesBoard(BaseModel):
    """Each player's best across all ranges, ranked by efficiency (par ÷ guesses), then time, then who was first."""

    scores: list[ScoreRow]


class Move(BaseModel):
    """One guess of a won round, with its answer, as a replay shows it."""

    guess: int
    answer: game.Answer = Field(description='Where the secret lies from this guess.')
    low: int = Field(description='The smallest number still possible after this answer.')
    high: int = Field(description='The largest number still possible after this answer.')


class ScoreDetail(BaseModel):
    """One won round: the score, where it stands, and every guess in order (for replays)."""

    id: int
    name: str
    max_number: int
    guesses: int
    par: int
    efficiency: float
    time_ms: int
    finished_at: datetime
    rank: int | None = Field(description="Place on its range's board if it is the player's best there, else null.")
    moves: list[Move] | None = Field(description='Every guess in order, the last one being the secret; null for a '
                                                 'score stored before replays existed (see `moves_note`).')
    moves_note: str | None = Field(description='Why `moves` is null, when it is.')
    replay_url: str = Field(description='Where the game replays this round in a browser.')


class RangeSummary(BaseModel):
    """A range that has scores, players, or is one of the presets offered on the welcome page."""

    max_number: int
    par: int
    preset: bool = Field(description='Whether the welcome page offers this range as a button.')
    playing_now: int = Field(description='Players with a game of this range open right now.')
    best: ScoreRow | None = Field(description='The best score of the range; null if nobody has won it yet.')


class Health(BaseModel):
    """Whether the game can serve: the database answered a query, or not."""

    status: Literal['ok', 'unavailable']
    database: Literal['ok', 'unavailable']


class Problem(BaseModel):
    """What went wrong, in one sentence."""

    detail: str
