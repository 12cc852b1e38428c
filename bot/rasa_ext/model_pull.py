"""The Rasa server pulls the active model from the staff console (``MODEL_SERVER_URL``).

Rasa's own model server (endpoints ``models:``): every ``MODEL_PULL_SECONDS``
it asks the URL with ``If-None-Match: <its model's fingerprint>``; a 304 keeps
the model, a 200 is a new model that Rasa loads and swaps in between messages
(a turn already running finishes with the model it started with). `install`
adds that endpoint, with the console's token (``MODEL_SERVER_TOKEN``, sent as
``?token=``), when the settings name a URL and the endpoints file has no
``models:`` of its own; ``make run`` and ``run-prod`` set it.

Rasa loads a pulled model inside its event loop: every customer of that worker
waits while it loads (17 s and more on a busy two-core machine, both workers at
once). Here it is loaded in a thread: the worker keeps answering with the model
it has, and swaps in the new one when it is ready (`_load_pulled_models_in_a_thread`).

Rasa alone starts without any model when the model server does not answer at
start (the console starts beside it). Here the server's ``--model`` (the newest
file of ``models/``) is loaded instead, with the fingerprint the console gives
that file (`bot.teaching.active_model.model_etag`), and the next pull brings
the active model if it is another.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from bot.settings import Settings
from bot.teaching.active_model import model_etag

logger = logging.getLogger(__name__)


def install(settings: Settings) -> None:
    if not settings.model_server_url:
        return
    _add_model_endpoint(settings)
    _load_pulled_models_in_a_thread()
    _fall_back_to_local_model()


def _add_model_endpoint(settings: Settings) -> None:
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig

    from bot.local_secrets import model_server_token

    read = AvailableEndpoints.read_endpoints.__func__

    def read_endpoints(cls: type, endpoint_file: Any) -> AvailableEndpoints:
        endpoints = read(cls, endpoint_file)
        if endpoints.model is None:
            endpoints.model = EndpointConfig(settings.model_server_url, token=model_server_token(settings),
                                             wait_time_between_pulls=settings.model_pull_seconds)
        return endpoints

    AvailableEndpoints.read_endpoints = classmethod(read_endpoints)


def _load_pulled_models_in_a_thread() -> None:
    """Rasa 3.6's ``_update_model_from_server`` with the loading moved out of the event loop."""
    import asyncio

    import aiohttp
    import rasa.core.agent
    from rasa.utils.common import TempDirectoryPath, get_temp_dir_name
    from rasa.utils.endpoints import EndpointConfig

    pull = rasa.core.agent._pull_model_and_fingerprint

    async def update_model_from_server(model_server: EndpointConfig, agent: Any) -> None:
        if not rasa.core.agent.is_url(model_server.url):
            raise aiohttp.InvalidURL(model_server.url)
        with TempDirectoryPath(get_temp_dir_name()) as directory:
            try:
                fingerprint = await pull(model_server, agent.fingerprint, directory)
                if fingerprint:
                    await asyncio.to_thread(agent.load_model, directory, fingerprint)
                    logger.info("now serving the model %s", fingerprint)
            except Exception:  # noqa: BLE001 - as Rasa: the model it has stays loaded
                logger.exception("Failed to update model. The previous model will stay loaded instead.")

    rasa.core.agent._update_model_from_server = update_model_from_server


def _fall_back_to_local_model() -> None:
    import rasa.core.agent
    from rasa.model import get_local_model

    load_agent = rasa.core.agent.load_agent

    async def load_agent_or_local(*args: Any, **kwargs: Any) -> Any:
        agent = await load_agent(*args, **kwargs)
        model_path = kwargs.get("model_path")
        if agent.is_ready() or not model_path:
            return agent
        try:
            local = Path(get_local_model(model_path))
        except Exception:  # noqa: BLE001 - Rasa's ModelNotFound and friends: stay without a model, as Rasa would
            logger.warning("no model from the model server and none at %s", model_path)
            return agent
        logger.info("model server not answering yet: serving %s until it does", local.name)
        agent.load_model(local, fingerprint=model_etag(local.name))
        return agent

    rasa.core.agent.load_agent = load_agent_or_local
