"""Start-up work for the Rasa server, hooked on our channels' blueprints.

Rasa loads the model before ``after_server_start``, and input channels are the
only place a project can hook into the server's start; both channels register
this, the work runs once.
"""
from __future__ import annotations

from sanic import Blueprint

from bot.server_tuning import freeze_loaded_objects


def tune_after_start(blueprint: Blueprint) -> None:
    @blueprint.listener("after_server_start")
    async def _freeze(_app: object, _loop: object) -> None:
        freeze_loaded_objects()
