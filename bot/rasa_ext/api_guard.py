"""Rasa's HTTP API behind a token; the channels stay public.

`rasa run --enable-api --auth-token T` protects most API routes, but not ``/``
and ``/version``, and nothing protects a route a future Rasa adds. This guard
is a request middleware on Rasa's app: every path outside the channels
(``/webhooks/...``) and the chat page (``/chat``) needs the token, as
``?token=`` (Rasa's own form) or ``Authorization: Bearer``. Health checks use a
channel's own route, e.g. ``GET /webhooks/rest/``.
"""
from __future__ import annotations

import hmac
from typing import Callable, Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

PUBLIC_PREFIXES = ("/webhooks/", "/chat/")
PUBLIC_PATHS = ("/chat",)


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def presented_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.args.get("token") or ""


def token_guard(token: str) -> Callable[[Request], Optional[HTTPResponse]]:
    expected = token.encode("utf-8")

    def guard(request: Request) -> Optional[HTTPResponse]:
        if is_public(request.path):
            return None
        if hmac.compare_digest(presented_token(request).encode("utf-8"), expected):
            return None
        return response.json({"error": "unauthorized",
                              "message": "This is Rasa's private API: it needs the API token."},
                             status=401)

    return guard


def install(app: Sanic, token: str) -> None:
    """Guard every request to ``app`` (call before the server starts)."""
    app.register_middleware(token_guard(token), "request")
