"""The app as main.py builds it keeps NiceGUI's files compressed (compressed_files.py, tested in tests/)."""
from __future__ import annotations

from nicegui import app
from nicegui.testing import User

from compressed_files import CompressedOnce


async def test_the_app_keeps_niceguis_files_compressed(user: User) -> None:
    await user.open('/')
    assert CompressedOnce in [middleware.cls for middleware in app.user_middleware]  # type: ignore[comparison-overlap]
