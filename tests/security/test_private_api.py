"""Rasa's HTTP API is private: every route outside the channels needs the token.

The route table is Rasa's own (`rasa.server.create_app`), walked route by route
against the session's real `rasa run` (started through the project's launcher
as `make run` starts it)."""
from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.support.http import request
from tests.support.servers import RASA_API_TOKEN

pytestmark = pytest.mark.model


def rasa_api_routes():
    """(method, path) of every route Rasa's API app has, parameters filled in."""
    from rasa.server import create_app

    app = create_app(auth_token="x", cors_origins=None)
    app.router.finalize()
    found = set()
    for route in app.router.routes:
        path = "/" + re.sub(r"<[^>]+>", "someone", route.path).lstrip("/")
        for method in route.methods:
            found.add((method, path))
    return sorted(found)


ROUTES = rasa_api_routes()


def test_rasa_has_the_api_routes_we_expect_to_guard():
    paths = {path for _, path in ROUTES}
    assert {"/", "/version", "/status", "/conversations/someone/tracker", "/model",
            "/conversations/someone/trigger_intent", "/model/train"} <= paths


@pytest.mark.parametrize("method, path", ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_every_api_route_refuses_a_request_without_the_token(rasa_server, method, path):
    status, _ = request(f"{rasa_server}{path}", method, b"{}" if method in ("POST", "PUT") else None,
                        {"Content-Type": "application/json"})
    assert status in (401, 403), f"{method} {path} answered {status} without a token"


def test_a_wrong_token_is_refused_and_the_right_one_works(rasa_server):
    assert request(f"{rasa_server}/status?token=wrong-token")[0] == 401
    assert request(f"{rasa_server}/status", headers={"Authorization": "Bearer wrong"})[0] == 401
    status, body = request(f"{rasa_server}/status?token={RASA_API_TOKEN}")
    assert status == 200 and "model_id" in json.loads(body)


def test_the_channels_and_the_chat_page_stay_public(rasa_server):
    assert request(f"{rasa_server}/webhooks/rest/")[0] == 200
    assert request(f"{rasa_server}/webhooks/webchat/")[0] == 200
    with urllib.request.urlopen(f"{rasa_server}/chat", timeout=10) as page:
        assert page.status == 200


def test_no_cors_headers_for_other_sites(rasa_server):
    req = urllib.request.Request(f"{rasa_server}/webhooks/rest/", headers={"Origin": "https://evil.example"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.headers.get("Access-Control-Allow-Origin") is None
