"""Real PostgreSQL, Redis and HAProxy for tests, from Debian's packages; the classes live in deploy/services.py.

    with Postgres(tmp_path / 'postgres', throwaway=True) as postgres, Redis(tmp_path / 'redis') as redis:
        ...  # postgres.url, postgres.dsn, redis.url; redis.restart()

Call :func:`need` first: without the packages a test is skipped with the line that installs them, or fails when
``HILO_REQUIRE_SERVICES`` is set, as it is in CI (.ci/run), where these tests must run.
"""
from __future__ import annotations

import os

import pytest

from deploy.services import HAProxy, MissingPackage, Postgres, Redis, Service, ServiceError, free_port, require

__all__ = ['HAProxy', 'MissingPackage', 'Postgres', 'Redis', 'ServiceError', 'free_port', 'need', 'require']


def need(*services: type[Service]) -> None:
    """Skip the test (or fail it, in CI) unless the programs of ``services`` are installed."""
    try:
        require(*services)
    except MissingPackage as error:
        if os.environ.get('HILO_REQUIRE_SERVICES'):
            pytest.fail(f'HILO_REQUIRE_SERVICES is set but {error}')
        pytest.skip(str(error))
