"""The README, served by the game itself at ``/readme``: the learner's window links each layer to the part of it
that explains the layer (``/readme/#layer-database``), for a learner who runs the game from a clone."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import markdown2  # type: ignore[import-untyped]  # NiceGUI's ui.markdown uses it too
from fastapi.responses import HTMLResponse
from nicegui import app

ROOT = Path(__file__).resolve().parent.parent
STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem;' \
        'color-scheme:light dark}img{max-width:100%}pre{overflow-x:auto;padding:.5rem;background:#8882}' \
        'table{border-collapse:collapse}td,th{border:1px solid #8886;padding:.25rem .5rem;vertical-align:top}'


def install() -> None:
    """Serve the README at ``/readme/`` and the pictures it shows under ``/readme/docs`` (``/docs`` itself is the JSON
    API's documentation)."""
    for path in ('/readme', '/readme/'):
        app.add_api_route(path, readme, response_class=HTMLResponse, include_in_schema=False)
    app.add_static_files('/readme/docs', ROOT / 'docs')


def readme() -> HTMLResponse:
    """The README as a web page."""
    return HTMLResponse(_page())


@cache  # made from the Markdown the first time someone asks; it does not change while the game runs
def _page() -> str:
    body = markdown2.markdown((ROOT / 'README.md').read_text(encoding='utf-8'),
                              extras=['fenced-code-blocks', 'tables', 'header-ids'])
    # <base>: the README's own links (docs/screenshots/..., #sections) are relative to the folder it lives in.
    return f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><base href="/readme/">' \
           f'<title>Hi-Lo: README</title>' \
           f'<meta name="viewport" content="width=device-width, initial-scale=1">' \
           f'<style>{STYLE}</style></head><body>{body}</body></html>'
