"""axe-core in the browser tests: no serious or critical accessibility violation on a page, as it is shown now.

Call :func:`assert_accessible` on every page and state a test reaches (a new page needs one line:
``assert_accessible(page, 'the scores page, dark')``). axe-playwright-python carries axe-core's own script
(``axe.min.js``), so the check runs offline; axe's findings of "moderate" and "minor" impact are left to people.
"""
from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

BLOCKING = ('serious', 'critical')
_AXE = Axe()


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe's violations of serious or critical impact on the page as it is now (focus, theme and all)."""
    violations: list[dict[str, Any]] = _AXE.run(page).response['violations']
    return [violation for violation in violations if violation['impact'] in BLOCKING]


def assert_accessible(page: Page, state: str) -> None:
    """Fail with a readable list if axe finds a serious or critical violation; ``state`` names what was checked."""
    problems = [f"{violation['id']} ({violation['impact']}): {violation['help']}\n" +
                ''.join(f"    {node['target']}: {node.get('failureSummary', '')}\n" for node in violation['nodes'])
                for violation in serious_violations(page)]
    assert not problems, f'axe-core on {state}:\n' + ''.join(problems)
