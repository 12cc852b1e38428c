"""The Rasa server's entry point: ``python -m bot.rasa_ext.launcher <rasa arguments>``.

Exactly Rasa's command line (``run``, ``shell``, ``test`` ...), after explicit
start-up steps:
- `bot.rasa_ext.patches.install()`: faster Rasa internals (version-guarded);
- for ``run --enable-api``: the API token (``RASA_API_TOKEN``, else generated into
  ``var/rasa_api_token``) is given to Rasa as ``--auth-token`` inside this process
  (so it never shows in the process list) and `bot.rasa_ext.api_guard` makes
  every non-channel route require it, including the ones Rasa leaves open;
- the action server's shared secret (``ACTION_SERVER_TOKEN``, else generated
  into ``var/action_server_token``) becomes the action endpoint's ``token``
  when endpoints.yml gives none (the Helm chart renders the endpoint's url only);
- the active model pulled from the staff console when ``MODEL_SERVER_URL`` is
  set (`bot.rasa_ext.model_pull`; ``make run`` and ``run-prod`` set it);
- CORS origins from ``CORS_ORIGINS`` (none by default: the chat page is
  same-origin); request size and timeouts on Rasa's Sanic app, and how many
  reverse proxies to trust for the client's address (``PROXIES_COUNT``).
Used by ``make run``, ``make shell``, the tests and the benchmarks; a plain
``rasa`` command works the same without these.
"""
from __future__ import annotations

import sys
from typing import Any, List, Optional

from bot.settings import Settings, process_settings

# Seconds; an event stream answers within 25 s, a turn within a few.
REQUEST_TIMEOUT = 30
RESPONSE_TIMEOUT = 60


def api_token(settings: Settings) -> str:
    from bot.local_secrets import rasa_api_token

    return rasa_api_token(settings)


def _value_after(args: List[str], flag: str) -> Optional[str]:
    return args[args.index(flag) + 1] if flag in args and args.index(flag) + 1 < len(args) else None


def server_arguments(args: List[str], settings: Settings) -> List[str]:
    """Rasa's ``run`` arguments with the token and CORS origins the settings ask for."""
    args = list(args)
    if "--enable-api" in args and "--auth-token" not in args and "--jwt-secret" not in args:
        args += ["--auth-token", api_token(settings)]
    if "--cors" not in args and settings.cors_origins:
        args += ["--cors", *settings.cors_origins]
    return args


def _harden_rasa_app(token: Optional[str], settings: Settings) -> None:
    """Wrap Rasa's app factory: our guard and limits on the app it builds."""
    import rasa.core.run

    from bot.rasa_ext import api_guard

    build = rasa.core.run.configure_app

    def configure_app(*args: Any, **kwargs: Any) -> Any:
        app = build(*args, **kwargs)
        app.config.REQUEST_MAX_SIZE = settings.request_max_bytes
        app.config.REQUEST_TIMEOUT = REQUEST_TIMEOUT
        app.config.RESPONSE_TIMEOUT = RESPONSE_TIMEOUT
        if settings.proxies_count:  # client addresses (rate limits) from X-Forwarded-For
            app.config.PROXIES_COUNT = settings.proxies_count
        if token is not None:
            api_guard.install(app, token)
        return app

    rasa.core.run.configure_app = configure_app


def _send_action_server_token(settings: Settings) -> None:
    """Rasa calls the action server with its token (``?token=``; rasa_sdk_plugins checks it)."""
    from rasa.core.utils import AvailableEndpoints

    from bot.local_secrets import action_server_token

    read = AvailableEndpoints.read_endpoints.__func__

    def read_endpoints(cls: type, endpoint_file: Any) -> AvailableEndpoints:
        endpoints = read(cls, endpoint_file)
        if endpoints.action is not None and not endpoints.action.token:
            endpoints.action.token = action_server_token(settings)
        return endpoints

    AvailableEndpoints.read_endpoints = classmethod(read_endpoints)


def main(argv: Optional[List[str]] = None) -> None:
    from bot.rasa_ext import patches

    patches.install()
    args = list(sys.argv[1:] if argv is None else argv)
    settings = process_settings()
    if args[1:2] != ["actions"]:
        _send_action_server_token(settings)
    if args[:1] == ["run"] and args[1:2] != ["actions"]:
        from bot.rasa_ext import model_pull

        model_pull.install(settings)
        args = server_arguments(args, settings)
        _harden_rasa_app(_value_after(args, "--auth-token"), settings)
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *args]
    rasa_main()


if __name__ == "__main__":
    main()
