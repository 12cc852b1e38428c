"""Action server plugins: rasa-sdk imports this package by name when `rasa run actions` starts.

The plugin
- refuses every call without the shared secret Rasa sends (endpoints.yml
  ``token: ${ACTION_SERVER_TOKEN}``, a ``token`` query parameter): 401, so a host
  that reaches the port cannot run actions, open tickets or read transcripts;
  only ``/health`` stays open (it says nothing but "ok");
- builds the actions' shared objects before the server accepts requests, so the
  first customer does not wait for them (the FAQ classifier alone takes about
  3.5 s to fit), then takes them out of the garbage collector's reach
  (`bot.server_tuning`).
"""
from __future__ import annotations

import hmac
import logging
import sys
import time
from typing import Optional

import pluggy
from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, json

logger = logging.getLogger(__name__)
hookimpl = pluggy.HookimplMarker("rasa_sdk")


OPEN_PATHS = frozenset({"/health"})


@hookimpl
def attach_sanic_app_extensions(app: Sanic) -> None:
    from bot.local_secrets import action_server_token
    from bot.settings import Settings

    app.ctx.action_server_token = action_server_token(Settings.from_env()).encode("utf-8")
    app.register_middleware(_require_token, "request")
    app.register_listener(_warm_up, "before_server_start")


async def _require_token(request: Request) -> Optional[HTTPResponse]:
    if request.path in OPEN_PATHS or request.method == "OPTIONS":
        return None
    given = (request.args.get("token") or "").encode("utf-8")
    if hmac.compare_digest(given, request.app.ctx.action_server_token):
        return None
    logger.warning("Refused an action server call without the right token (%s %s)",
                   request.method, request.path)
    return json({"error": "unauthorized", "message": "需要 Rasa 的动作服务令牌"}, status=401)


async def _warm_up(app: Sanic, _loop: object) -> None:
    from actions import services
    from bot.server_tuning import freeze_loaded_objects

    started = time.perf_counter()
    services.warm_up()
    logger.info("Action server warmed up in %.1f s", time.perf_counter() - started)
    freeze_loaded_objects()


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(sys.modules[__name__])
