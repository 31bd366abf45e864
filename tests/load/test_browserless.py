"""The simulated browser's HTTP (tests/load/browserless.py) against a real server on loopback."""
from __future__ import annotations

import asyncio

import httpx
import pytest

from .browserless import BrowserTransport

ANSWER = b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok'


async def test_a_request_whose_connection_closes_before_any_answer_is_sent_once_more() -> None:
    connections = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await reader.readuntil(b'\r\n\r\n')
        if connections > 1:  # the first connection closes as a kept-alive one the server lets go would
            writer.write(ANSWER)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    transport = BrowserTransport()
    async with server:
        async with httpx.AsyncClient(base_url=f'http://127.0.0.1:{port}', transport=transport) as http:
            response = await http.get('/')
        assert response.text == 'ok'
        assert connections == 2
        assert transport.resent == 1
        connections = 0
        async with httpx.AsyncClient(base_url=f'http://127.0.0.1:{port}') as plain:
            with pytest.raises(httpx.RemoteProtocolError):  # without it: the error the waiting newcomers got
                await plain.get('/')
