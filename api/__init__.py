"""The JSON API: Hi-Lo's scores for other programs, read-only, on the FastAPI app that NiceGUI runs on.

This is the path the web tutorials teach: a request comes in (``GET /api/ranges/100/scores``), FastAPI picks the
route and checks its parameters (a bad one gets 422 with the reason), the handler awaits one of ``db``'s read
functions (a query), and the answer goes back as JSON in the shape of a class from ``api/models.py``. The game
itself never takes this path: its pages talk to the server over their websocket (see the README). main.py adds
``router`` to the app; the OpenAPI docs at ``/docs`` list every route here with its parameters and answers.
"""
from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query, Response
from fastapi.routing import APIRoute
from nicegui.ui_run import DocsConfig

import db
import game
import presence

from .models import AllRangesBoard, Health, Move, Problem, RangeBoard, RangeSummary, ScoreDetail, ScoreRow

# What /docs says about the API as a whole (each route describes itself below).
DOCS: DocsConfig = {
    'title': 'Hi-Lo API', 'version': '1.0',
    'summary': "Read-only JSON: Hi-Lo's boards, scores with their guesses, the ranges and who is playing now.",
    'description': 'Everything here only reads, and any web page may fetch it. A bad parameter gets status 422 with '
                   'the reason; an unknown score id gets 404. Rounds in progress (and their secrets) are never shown.',
    'terms_of_service': None, 'contact': None, 'license_info': None,
}
MAX_LIMIT = 100
LARGEST_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL: a larger one cannot exist, and must not reach it
HEALTH_TIMEOUT = 2.0  # seconds the database has to answer the health check
NO_MOVES = 'This score was stored before Hi-Lo kept the guesses of each round, so it has no replay.'


# The scores are public and the API only reads: any web page may fetch them (without cookies), e.g. a page a learner
# opens from a file. A simple GET request needs no more than this header for the browser to hand over the answer.
PUBLIC = {'Access-Control-Allow-Origin': '*'}


def _public(response: Response) -> None:
    response.headers.update(PUBLIC)


# Every route below starts with /api and runs _public first.
router = APIRouter(prefix='/api', tags=['Hi-Lo scores'], dependencies=[Depends(_public)])

MaxNumber = Annotated[int, Path(ge=game.SMALLEST_MAX, le=game.LARGEST_MAX, description='The range: 1 to max_number.')]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f'How many rows, at most {MAX_LIMIT}.')]
ScoreId = Annotated[int, Path(ge=1, le=LARGEST_ID, description="The score's id, as on the boards.")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {'model': Problem, 'description': 'No score has this id.'}}


@router.get('/ranges/{max_number}/scores', summary='The board of one range')
async def range_board(max_number: MaxNumber, limit: Limit = 10) -> RangeBoard:
    """The best players of a range, one row each (their best): fewest guesses first, then the fastest, then who
    finished first. Any range from 10 to 1,000,000 can be asked for; one that nobody has won has no rows."""
    scores = await db.top_scores(max_number=max_number, limit=limit)
    return RangeBoard(max_number=max_number, par=game.par(max_number), playing_now=presence.playing(max_number),
                      scores=[_row(score, rank) for rank, score in enumerate(scores, 1)])


@router.get('/scores', summary='The all-ranges board')
async def all_ranges_board(limit: Limit = 10) -> AllRangesBoard:
    """Each player's best score across all ranges, ranked by efficiency (par ÷ guesses), then time, then who
    finished first: 7 guesses at 1–100 (par 7) rank with 10 at 1–1,000 (par 10)."""
    scores = await db.top_overall(limit=limit)
    return AllRangesBoard(scores=[_row(score, rank) for rank, score in enumerate(scores, 1)])


@router.get('/scores/{score_id}', summary='One score, with its guesses', responses=NOT_FOUND)
async def one_score(score_id: ScoreId) -> ScoreDetail:
    """A won round: every guess in order with its answer and the range still possible after it (what a replay
    needs). Scores stored before replays existed have ``moves: null`` and say why in ``moves_note``."""
    found = await db.find_score(score_id=score_id)
    if found is None:
        raise HTTPException(status_code=404, detail=f'No score has the id {score_id}.', headers=PUBLIC)
    score, guesses = found.score, found.score.moves_list
    moves = None if guesses is None else \
        [Move(guess=step.guess, answer=step.answer, low=step.low, high=step.high)
         for step in game.replay(score.max_number, guesses)]
    return ScoreDetail(id=score_id, name=score.name, max_number=score.max_number, guesses=score.guesses,
                       par=game.par(score.max_number), efficiency=_efficiency(score), time_ms=score.time_ms,
                       finished_at=score.finished_at, rank=found.rank, moves=moves,
                       moves_note=NO_MOVES if moves is None else None, replay_url=f'/replay/{score_id}')


@router.get('/ranges', summary='The ranges, with their best score and players now')
async def ranges() -> list[RangeSummary]:
    """Every range that has a score or a player now, and the presets of the welcome page, smallest first."""
    bests = {score.max_number: score for score in await db.range_bests()}
    playing = presence.counts()
    numbers = sorted(set(game.PRESET_MAXES) | set(bests) | set(playing))
    return [RangeSummary(max_number=number, par=game.par(number), preset=number in game.PRESET_MAXES,
                         playing_now=playing.get(number, 0),
                         best=_row(bests[number], 1) if number in bests else None)
            for number in numbers]


@router.get('/health', summary='Whether the database answers',
            responses={503: {'model': Health, 'description': 'The database did not answer.'}})
async def health(response: Response) -> Health:
    """``ok`` if the database answered a query within two seconds; otherwise status 503 (for a load balancer)."""
    try:
        answered = await asyncio.wait_for(db.answers(), HEALTH_TIMEOUT)
    except Exception:  # whatever the reason (a lost connection, a locked or missing file), it did not answer
        answered = False
    if not answered:
        response.status_code = 503
    state: Literal['ok', 'unavailable'] = 'ok' if answered else 'unavailable'
    return Health(status=state, database=state)


def install(app: FastAPI) -> None:
    """Add the API's routes to the app, and keep the routes added before (static files) out of its docs.

    NiceGUI keeps its own routes and the pages out of the docs itself (``ui.run(endpoint_documentation=...)``).
    """
    for route in app.routes:
        if isinstance(route, APIRoute):
            route.include_in_schema = False
    app.include_router(router)


def _row(score: db.Score, rank: int) -> ScoreRow:
    assert score.id is not None, 'a score read from the database has its id'
    return ScoreRow(rank=rank, id=score.id, name=score.name, max_number=score.max_number, guesses=score.guesses,
                    par=game.par(score.max_number), efficiency=_efficiency(score), time_ms=score.time_ms,
                    finished_at=score.finished_at, replay=score.moves is not None)


def _efficiency(score: db.Score) -> float:
    # Worked out again rather than read: scores put in by other programs may not have it stored.
    return game.efficiency(score.max_number, score.guesses) if score.guesses > 0 else 0.0
