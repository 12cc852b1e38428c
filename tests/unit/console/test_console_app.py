"""The console built in this process on a temporary database: `Console.build` opens one
engine per database and holds every area's state; errors are answered by
bot.console.errors (here: the JSON API's 404 for an unknown ticket)."""
import asyncio
import json
import threading
from dataclasses import replace

import pytest

from bot.console.app import create_app
from bot.settings import Settings
from bot.storage import engine as engines
from bot.storage.staff import StaffStore


@pytest.fixture
def engines_opened(monkeypatch):
    opened = []
    create = engines.create_engine

    def counting(url, *args, **kwargs):
        if threading.current_thread() is threading.main_thread():  # not an earlier test's worker thread
            opened.append(str(url))
        return create(url, *args, **kwargs)

    monkeypatch.setattr(engines, "create_engine", counting)
    return opened


@pytest.fixture(autouse=True)
def sanic_test_mode(monkeypatch):
    """Sanic rewrites its connection code once per started app ("touchup") unless in test
    mode: without it, this in-process start breaks every later app of the test run."""
    from sanic import Sanic

    monkeypatch.setattr(Sanic, "test_mode", True)


def _settings(env, tracker_url):
    return replace(Settings.from_env(env), tracker_db_url=tracker_url)


async def asgi_get(app, path, headers=()):
    """One GET through the app's ASGI interface: (status, body)."""
    sent = []
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"console.test"), *headers], "client": ("127.0.0.1", 1), "server": ("t", 80)}

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


def test_one_engine_per_database_and_the_api_errors_in_one_place(tmp_path, migrated_db_url, engines_opened):
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    app = create_app(_settings({"DATABASE_URL": migrated_db_url, "VAR_DIR": str(tmp_path / "var")}, tracker_url),
                     credentials_file=tmp_path / "none.yml", name="console_under_test")
    assert sorted(engines_opened) == sorted([migrated_db_url, tracker_url])
    console = app.ctx.console
    assert console.databases.main is not console.databases.tracker
    token = StaffStore(console.databases.main).create_integration_token("desk")

    async def ask():
        await app._startup()
        return await asgi_get(app, "/api/tickets/T404", [(b"authorization", f"Bearer {token}".encode())])

    status, body = asyncio.run(ask())
    assert status == 404 and json.loads(body) == {"error": "not_found", "message": console.wording.api["not_found"]}


def test_the_tracker_on_the_same_database_shares_its_engine(tmp_path, migrated_db_url, engines_opened):
    app = create_app(_settings({"DATABASE_URL": migrated_db_url, "VAR_DIR": str(tmp_path / "var")}, migrated_db_url),
                     credentials_file=tmp_path / "none.yml", name="console_same_db")
    assert engines_opened == [migrated_db_url]
    assert app.ctx.console.databases.tracker is app.ctx.console.databases.main
