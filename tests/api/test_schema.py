"""Schemathesis against the real server: requests made up from /openapi.json, valid and invalid, and every check it
has (no server error, answers that keep to their documented schema, status codes and content types as documented,
bad input refused, good input accepted). Each route gets a bounded number of examples, so the run takes seconds.

(``schemathesis.pytest.from_fixture`` would make one test per route, but it reads ``request.node._nodeid``, which
pytest 9 no longer has; so the test asks schemathesis for each route's Hypothesis strategy itself.)
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.core.result import Ok
from schemathesis.schemas import APIOperation

from tests.server import Server

EXAMPLES = 40  # made-up requests per route, of valid and of invalid ones each


@pytest.fixture(scope='module')
def operations(server: Server) -> dict[str, APIOperation]:
    """Every route of the API as the running server describes it, by its label ('GET /api/health')."""
    schema = schemathesis.openapi.from_url(f'{server.url}/openapi.json')
    found = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    return {operation.label: operation for operation in found}


def test_the_schema_describes_every_route(operations: dict[str, APIOperation]) -> None:
    assert set(operations) == {'GET /api/ranges/{max_number}/scores', 'GET /api/scores', 'GET /api/scores/{score_id}',
                               'GET /api/ranges', 'GET /api/health'}


# Invalid requests can only be made up for routes that take parameters.
@pytest.mark.parametrize(('label', 'mode'), [
    *((label, GenerationMode.POSITIVE) for label in ('GET /api/ranges/{max_number}/scores', 'GET /api/scores',
                                                     'GET /api/scores/{score_id}', 'GET /api/ranges',
                                                     'GET /api/health')),
    *((label, GenerationMode.NEGATIVE) for label in ('GET /api/ranges/{max_number}/scores', 'GET /api/scores',
                                                     'GET /api/scores/{score_id}')),
])
def test_every_answer_keeps_to_the_schema_and_none_is_a_server_error(operations: dict[str, APIOperation],
                                                                     label: str, mode: GenerationMode) -> None:
    operation = operations[label]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])
    def each(case: schemathesis.Case) -> None:
        case.call_and_validate()

    each()
