"""The production profile on one machine: ``python -m bot run-prod``.

N Rasa servers and N action servers (``WORKERS``, default 2) behind nginx
(`bot.proxy`), the staff console once, all in one log stream
(`bot.processes.ProcessGroup`). Every Rasa server reads ``endpoints.prod.yml``:
the tracker store and the tickets on PostgreSQL, Rasa's lock store and the
WeChat state on Redis. Nothing starts unless both answer.

Ports: the entry point keeps ``RASA_PORT`` (5005) for the Rasa servers and
``ACTIONS_PORT`` (5055) for the action servers; the workers listen on
``WORKER_BASE_PORT`` + 1.. (Rasa) and + 51.. (actions), on 127.0.0.1 only.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, List, Sequence

from sqlalchemy.engine import make_url

from bot.processes import Service
from bot.proxy import Upstream, nginx_service
from bot.settings import Settings

PROD_ENDPOINTS = "endpoints.prod.yml"
ACTIONS_OFFSET = 51


class ProfileError(RuntimeError):
    """The production profile cannot start; the message says what to set or start."""


def check_settings(settings: Settings) -> None:
    if make_url(settings.database_url).get_backend_name() != "postgresql":
        raise ProfileError("the production profile keeps tickets and conversations in PostgreSQL: "
                           "set DATABASE_URL=postgresql+psycopg2://user:password@host:5432/db")
    if make_url(settings.tracker_database_url).get_backend_name() != "postgresql":
        raise ProfileError("TRACKER_DATABASE_URL must be a PostgreSQL URL (or unset: DATABASE_URL is used)")
    if not settings.redis_url:
        raise ProfileError("the production profile needs Redis (one conversation per worker at a time, "
                           "WeChat state): set REDIS_URL=redis://[:password@]host:6379/0")


def check_services(settings: Settings) -> None:
    """Connect to PostgreSQL and Redis once; `ProfileError` naming the one that failed."""
    import redis
    import sqlalchemy as sa

    from bot.storage.unit_of_work import StoreUnavailable, UnitOfWork

    for name, url in (("DATABASE_URL", settings.database_url),
                      ("TRACKER_DATABASE_URL", settings.tracker_database_url)):
        engine = sa.create_engine(url, connect_args={"connect_timeout": 5})
        try:  # asked once: a server that does not answer at start is reported, not waited for
            UnitOfWork(engine, attempts=1).connect(lambda connection: connection.execute(sa.text("SELECT 1")))
        except (StoreUnavailable, sa.exc.SQLAlchemyError) as error:
            where = make_url(url).render_as_string(hide_password=True)
            cause = getattr(error, "orig", None) or error
            raise ProfileError(f"PostgreSQL at {where} ({name}) does not answer: {cause}") from None
        finally:
            engine.dispose()
    client = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=5, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        raise ProfileError(f"Redis at {redis_address(settings.redis_url)} (REDIS_URL) does not answer: "
                           f"{error}") from None
    finally:
        client.close()


def redis_address(url: str) -> str:
    return url.split("@")[-1].split("://")[-1]


def rasa_ports(settings: Settings) -> List[int]:
    return [settings.worker_base_port + 1 + i for i in range(settings.workers)]


def action_ports(settings: Settings) -> List[int]:
    return [settings.worker_base_port + ACTIONS_OFFSET + i for i in range(settings.workers)]


def child_environment(settings: Settings, endpoints: Path) -> Dict[str, str]:
    """What every process of the profile gets on top of run-prod's own environment."""
    return {
        "ENDPOINTS_FILE": str(endpoints),
        "DATABASE_URL": settings.database_url,
        "TRACKER_DATABASE_URL": settings.tracker_database_url,
        "REDIS_URL": settings.redis_url,
        "ACTION_SERVER_URL": f"http://127.0.0.1:{settings.actions_port}/webhook",
        "RASA_URL": f"http://127.0.0.1:{settings.rasa_port}",
        "PROXIES_COUNT": str(settings.proxies_count + 1),  # nginx adds one hop
        "SANIC_WORKERS": "1",
        "SANIC_HOST": "127.0.0.1",  # the action servers' interface (rasa-sdk's default is all)
    }


def services(settings: Settings, model: str, credentials: str, endpoints: Path,
             rasa_command: Sequence[str], actions_command: Sequence[str]) -> List[Service]:
    """The action servers, the Rasa servers, the console and nginx, in start order.
    A worker that dies is started again (the others serve meanwhile); the group
    stops when nginx or the console stops, or a worker keeps dying.

    ``rasa_command`` and ``actions_command``: how to start one (`bot.cli`), before
    the per-worker arguments.
    """
    env = child_environment(settings, endpoints)
    run_dir = settings.var_dir / "prod"
    upstreams = [Upstream("rasa", settings.rasa_port, rasa_ports(settings)),
                 Upstream("actions", settings.actions_port, action_ports(settings))]
    found: List[Service] = []
    for i, port in enumerate(action_ports(settings), 1):
        found.append(Service(f"actions-{i}", [*actions_command, "--port", str(port)], env,
                             f"http://127.0.0.1:{port}/health", restart=True))
    for i, port in enumerate(rasa_ports(settings), 1):
        found.append(Service(f"rasa-{i}", [*rasa_command, "--model", model, "--port", str(port),
                                           "--interface", "127.0.0.1", "--credentials", credentials,
                                           "--endpoints", str(endpoints), "--enable-api"],
                             env, f"http://127.0.0.1:{port}/webhooks/rest/", restart=True))
    found.append(Service("console", [sys.executable, "-m", "bot", "console", "--port",
                                     str(settings.console_port), "--credentials", credentials],
                         env, f"http://127.0.0.1:{settings.console_port}/login"))
    # Last: its health check (through it, to a Rasa server) runs once the workers answer.
    proxy = nginx_service(upstreams, run_dir, settings.request_max_bytes)
    found.append(Service(proxy.name, proxy.command, {},
                         f"http://127.0.0.1:{settings.rasa_port}/webhooks/rest/"))
    return found
