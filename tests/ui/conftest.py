"""UI tests run main.py for real inside pytest (NiceGUI's ``user`` fixture), each on a fresh data folder."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.server import free_port


@pytest.fixture(autouse=True)
def app_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """main.py reads its options from the command line: give each test its own data folder, so a fresh database."""
    data_dir = tmp_path / 'data'
    options = ['--data-dir', str(data_dir), '--no-browser', '--port', str(free_port())]
    monkeypatch.setattr(sys, 'argv', ['main.py', *options])
    return data_dir
