"""Fixtures for the tests against the production profile's real services."""
from __future__ import annotations

import uuid
from typing import Iterator

import pytest

from tests.support.services import postgres_database, require_postgres, require_redis


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The URL of a reachable PostgreSQL server (skips, or fails in CI, without one)."""
    return require_postgres()


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh empty database on that server, dropped after the test."""
    with postgres_database(postgres_server) as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The URL of a reachable Redis (skips, or fails in CI, without one)."""
    return require_redis()


@pytest.fixture
def redis_prefix() -> str:
    """Alphanumeric key prefix private to one test (Rasa's lock store accepts only such)."""
    return f"t{uuid.uuid4().hex[:12]}"
