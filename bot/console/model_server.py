"""``GET /models/active.tar.gz``: the model server the Rasa workers pull from
(`bot.rasa_ext.model_pull`, Rasa's ``models:`` endpoint).

Not a staff page: it answers only requests carrying the model server's token
(``?token=``, MODEL_SERVER_TOKEN), with the active model (`bot.teaching.active_model`)
and its ETag, or 304 when the caller's ``If-None-Match`` is that ETag already.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.storage.models_registry import ModelRegistry, RegistryUnavailable
from bot.teaching.active_model import active_model, model_etag

logger = logging.getLogger(__name__)

ROUTE = "/models/active.tar.gz"


def model_registry(app: Sanic) -> ModelRegistry:
    """The console's registry (on its main database)."""
    registry: ModelRegistry = app.ctx.console.models.registry
    return registry


def _token_ok(request: Request, expected: str) -> bool:
    given = request.args.get("token") or ""
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def _unquoted(etag: Optional[str]) -> str:
    return (etag or "").strip().removeprefix("W/").strip('"')


async def active_model_file(request: Request) -> HTTPResponse:
    console = request.app.ctx.console
    if not _token_ok(request, console.models.server_token):
        return response.json({"error": "forbidden"}, status=403)
    registry = model_registry(request.app)
    try:
        path = await asyncio.to_thread(active_model, console.settings, registry)
    except RegistryUnavailable:
        return response.json({"error": "database_unavailable"}, status=503)
    if path is None:
        return response.json({"error": "no_model"}, status=404)
    etag = model_etag(path.name)
    if _unquoted(request.headers.get("If-None-Match")) == path.name:
        return response.empty(status=304, headers={"ETag": etag})
    logger.info("model server: sending %s", path.name)
    return await response.file(path, headers={"ETag": etag, "filename": path.name},
                               mime_type="application/gzip")


def register(app: Sanic) -> None:
    app.add_route(active_model_file, ROUTE, methods=["GET"], name="model_server")
