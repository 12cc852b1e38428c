"""Action server plugins: rasa-sdk imports this package by name when `rasa run actions` starts.

The one plugin builds the actions' shared objects before the server accepts
requests, so the first customer does not wait for them (the FAQ classifier
alone takes about 3.5 s to fit), then takes them out of the garbage
collector's reach (`bot.server_tuning`).
"""
from __future__ import annotations

import logging
import sys
import time

import pluggy
from sanic import Sanic

logger = logging.getLogger(__name__)
hookimpl = pluggy.HookimplMarker("rasa_sdk")


@hookimpl
def attach_sanic_app_extensions(app: Sanic) -> None:
    app.register_listener(_warm_up, "before_server_start")


async def _warm_up(app: Sanic, _loop: object) -> None:
    from actions import services
    from bot.server_tuning import freeze_loaded_objects

    started = time.perf_counter()
    services.warm_up()
    logger.info("Action server warmed up in %.1f s", time.perf_counter() - started)
    freeze_loaded_objects()


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(sys.modules[__name__])
