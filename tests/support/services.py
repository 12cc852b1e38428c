"""The real services of the production profile (PostgreSQL, Redis) for tests.

A test that needs one asks for it through `require`: when the service cannot be
reached the test is skipped with a message naming it, except in CI (``CI=true``),
where the machine starts every service first, so an unreachable one is a failure
and the integration suite can never silently vanish.

Addresses come from ``TEST_POSTGRES_URL`` (a server URL whose database the tests
may create others beside) and ``TEST_REDIS_URL``; the defaults are the local
services of the project's machines.
"""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from typing import Callable, Iterator

import pytest

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require(service: str, address: str, probe: Callable[[], object]) -> None:
    """Skip (fail in CI) unless ``probe()`` reaches ``service``."""
    try:
        probe()
    except Exception as error:  # noqa: BLE001 - any failure to connect means "not here"
        message = f"{service} is not reachable at {address} ({type(error).__name__}: {error})"
        if in_ci():
            pytest.fail(f"{message}; CI=true, so this is a failure, not a skip")
        pytest.skip(message)


def _postgres_probe(url: str) -> Callable[[], object]:
    def probe() -> object:
        import sqlalchemy as sa

        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as connection:
                return connection.execute(sa.text("SELECT 1")).scalar()
        finally:
            engine.dispose()
    return probe


def require_postgres(url: str = POSTGRES_URL) -> str:
    require("PostgreSQL", _hidden(url), _postgres_probe(url))
    return url


def require_redis(url: str = REDIS_URL) -> str:
    def probe() -> object:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        try:
            return client.ping()
        finally:
            client.close()

    require("Redis", _hidden(url), probe)
    return url


def _hidden(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a redis:// URL
        return url.split("@")[-1]


@contextmanager
def postgres_database(server_url: str = POSTGRES_URL, prefix: str = "bot_test") -> Iterator[str]:
    """A new, empty PostgreSQL database for the block; dropped afterwards."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)  # may outlive a restart
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
