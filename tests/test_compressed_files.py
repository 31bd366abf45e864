"""compressed_files.py: NiceGUI's versioned files are compressed once and served from memory; nothing else changes.

(That main.py puts it in front of the app: tests/ui/test_compressed_files.py.)
"""
from __future__ import annotations

import asyncio
import gzip
import os
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from compressed_files import CompressedOnce
from nicegui_middleware import DYNAMIC, VERSIONED
from tests.server import Server

SCRIPT = 'const hilo = "a script"; // ' + 'and a long comment ' * 100
GZIP = {'accept-encoding': 'gzip, deflate, br'}


@pytest.fixture
def files(tmp_path: Path) -> tuple[CompressedOnce, httpx.AsyncClient]:
    """A small app serving a folder under NiceGUI's versioned address, behind CompressedOnce."""
    (tmp_path / 'script.js').write_text(SCRIPT)
    (tmp_path / 'tiny.js').write_text('let a = 1;')
    (tmp_path / 'font.woff2').write_bytes(os.urandom(2000))
    static = StaticFiles(directory=tmp_path)
    inner = Starlette(routes=[Mount(VERSIONED.rstrip('/') + '/static', static), Mount(DYNAMIC.rstrip('/'), static),
                              Mount('/assets', static)])
    middleware = CompressedOnce(inner)
    return middleware, httpx.AsyncClient(transport=httpx.ASGITransport(app=middleware), base_url='http://test')


async def test_a_file_is_compressed_on_its_first_request_only(files: tuple[CompressedOnce, httpx.AsyncClient]) -> None:
    middleware, client = files
    answers = [await client.get(f'{VERSIONED}static/script.js', headers=GZIP) for _ in range(3)]

    assert middleware.compressions == 1
    for answer in answers:
        assert answer.status_code == 200
        assert answer.headers['content-encoding'] == 'gzip'
        assert answer.text == SCRIPT  # (httpx unpacks it)
        assert int(answer.headers['content-length']) < len(SCRIPT) / 4
        assert answer.headers['content-type'].startswith('text/javascript')
        assert 'etag' in answer.headers
        assert answer.headers['vary'] == 'Accept-Encoding'


async def test_requests_meanwhile_wait_for_the_one_compression(files: tuple[CompressedOnce, httpx.AsyncClient]) \
        -> None:
    middleware, client = files
    answers = await asyncio.gather(*(client.get(f'{VERSIONED}static/script.js', headers=GZIP) for _ in range(5)))

    assert middleware.compressions == 1
    assert [answer.text for answer in answers] == [SCRIPT] * 5
    assert {answer.headers['content-encoding'] for answer in answers} == {'gzip'}


@pytest.mark.parametrize('warm', [False, True], ids=['first request', 'file kept already'])
@pytest.mark.parametrize(('path', 'headers'), [
    (f'{VERSIONED}static/script.js', {'accept-encoding': 'identity'}),  # a browser that does not take gzip
    (f'{VERSIONED}static/script.js', {**GZIP, 'range': 'bytes=0-99'}),
    (f'{VERSIONED}static/script.js', {**GZIP, 'if-none-match': '"anything"'}),
    (f'{VERSIONED}static/tiny.js', GZIP),  # too small to gain
    (f'{VERSIONED}static/font.woff2', GZIP),  # compressed already
    (f'{VERSIONED}static/missing.js', GZIP),
    (f'{DYNAMIC}script.js', GZIP),  # may change: not kept
    ('/assets/script.js', GZIP),  # the game's own files: not NiceGUI's, not versioned
])
async def test_anything_else_passes_as_it_came(files: tuple[CompressedOnce, httpx.AsyncClient], path: str,
                                                headers: dict[str, str], warm: bool) -> None:
    middleware, client = files
    if warm:  # the file was asked for before, as a browser asks for it (the script is kept compressed then)
        await client.get(path, headers=GZIP)
    kept = middleware.compressions
    answers = [await client.get(path, headers=headers) for _ in range(2)]
    direct = await httpx.AsyncClient(transport=httpx.ASGITransport(app=middleware.app),
                                     base_url='http://test').get(path, headers=headers)

    assert middleware.compressions == kept
    for answer in answers:
        assert answer.status_code == direct.status_code
        assert 'content-encoding' not in answer.headers
        assert answer.content == direct.content


async def test_a_missing_file_is_not_remembered(files: tuple[CompressedOnce, httpx.AsyncClient]) -> None:
    middleware, client = files
    for number in range(20):  # addresses anyone can make up
        assert (await client.get(f'{VERSIONED}static/missing-{number}.js', headers=GZIP)).status_code == 404
    await client.get(f'{VERSIONED}static/font.woff2', headers=GZIP)

    assert list(middleware.files) == [f'{VERSIONED}static/font.woff2']  # (remembered: it passes as it comes)


async def test_a_head_request_gets_the_headers_of_the_kept_file(files: tuple[CompressedOnce, httpx.AsyncClient]) \
        -> None:
    middleware, client = files
    first = await client.head(f'{VERSIONED}static/script.js', headers=GZIP)  # (not kept: a HEAD has no body)
    full = await client.get(f'{VERSIONED}static/script.js', headers=GZIP)
    head = await client.head(f'{VERSIONED}static/script.js', headers=GZIP)

    assert 'content-encoding' not in first.headers
    assert head.headers['content-encoding'] == full.headers['content-encoding'] == 'gzip'
    assert head.headers['content-length'] == full.headers['content-length']
    assert head.content == b''
    assert middleware.compressions == 1


def test_the_game_serves_niceguis_files_compressed_with_their_cache_control(tmp_path: Path) -> None:
    with Server(tmp_path / 'data') as server:
        address = f'{server.url}{VERSIONED}static/quasar.umd.prod.js'
        plain = httpx.get(address, headers={'accept-encoding': 'identity'})
        packed = [_raw(address) for _ in range(2)]
        page_headers, page = _raw(f'{server.url}/')

    assert plain.status_code == 200
    assert 'content-encoding' not in plain.headers
    for headers, body in packed:
        assert headers['content-encoding'] == 'gzip'
        assert int(headers['content-length']) == len(body) < len(plain.content) / 3
        assert gzip.decompress(body) == plain.content
        assert 'immutable' in headers['cache-control']
    assert packed[0][1] == packed[1][1]
    # gzip's header says how hard its body was packed (byte 8, "XFL"): 2 for the smallest, 4 for the fastest.
    assert packed[0][1][8] == 2
    assert page_headers['content-encoding'] == 'gzip'
    assert page[8] == 4  # a page is made for each request: compressed at the fastest level (quick_gzip)
    assert b'Welcome' in gzip.decompress(page)


def _raw(address: str) -> tuple[httpx.Headers, bytes]:
    """The headers and the body as they came over the network, still compressed."""
    with httpx.stream('GET', address, headers=GZIP) as answer:
        return answer.headers, b''.join(answer.iter_raw())
