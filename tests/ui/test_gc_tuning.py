"""gc_tuning.py: once the game has started, the collector runs less often and never walks what start-up made."""
from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from nicegui.testing import User

import gc_tuning


@pytest.fixture(autouse=True)
def python_defaults() -> Iterator[None]:
    """The test process is shared by every test: give Python's settings back afterwards."""
    thresholds = gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)
    gc.unfreeze()


async def test_a_started_game_collects_less_often_and_has_frozen_its_start_up(user: User) -> None:
    await user.open('/')  # the user fixture has run main.py and started the app
    await user.should_see('Your name')
    assert gc.get_threshold() == (gc_tuning.NEW_OBJECTS, gc_tuning.MIDDLE, gc_tuning.OLDEST)
    assert gc_tuning.NEW_OBJECTS > 700  # Python's defaults: (700, 10, 10)
    assert gc_tuning.OLDEST > 10
    assert gc.get_freeze_count() > 10_000  # modules, NiceGUI, the app's pages


def test_freezing_frees_the_garbage_first() -> None:
    class Circle:
        def __init__(self) -> None:
            self.me = self

    gc.disable()  # no automatic collection between creating the circle and freezing
    try:
        circle = Circle()
        gone = weakref.ref(circle)
        del circle
        assert gone() is not None  # a circle outlives its last name: only the collector frees it
        gc_tuning.freeze_what_exists()
        assert gone() is None
    finally:
        gc.enable()
