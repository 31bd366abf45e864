"""Domain events: news that the data layer sends up to every open page.

A page never reaches into another page. When a win changes a top 10, the page that recorded it emits one
``top_ten_changed`` event carrying the new rows; every score board on every open page subscribes and decides for
itself whether the news concerns it (same range) and what to show. Nobody re-queries the database for it.
"""
from __future__ import annotations

from dataclasses import dataclass

from nicegui import Event

from db import Score


@dataclass(frozen=True, kw_only=True)
class TopTenChange:
    """A range's top 10 after a win that entered it."""

    max_number: int
    top_ten: list[Score]
    winner: Score


top_ten_changed: Event[TopTenChange] = Event()
