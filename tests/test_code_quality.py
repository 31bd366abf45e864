"""The code style the project promises: ruff and mypy, configured in pyproject.toml, find nothing."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize('command', [['ruff', 'check', '.'], ['mypy']], ids=['ruff', 'mypy'])
def test_the_checker_finds_nothing(command: list[str]) -> None:
    result = subprocess.run([sys.executable, '-m', *command], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_file_grows_past_about_300_lines() -> None:
    sources = [path for path in ROOT.glob('**/*.py') if not {'.venv', 'data'} & set(path.relative_to(ROOT).parts)]
    too_long = {str(path.relative_to(ROOT)): count for path in sources
                if (count := len(path.read_text().splitlines())) > 330}
    assert not too_long
