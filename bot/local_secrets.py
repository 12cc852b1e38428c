"""Secrets that a laptop generates for itself when the environment has none.

Production sets every secret in the environment. On a laptop ``make run`` must
work with nothing to configure, so a missing secret is generated once into a
file under ``var/`` (mode 600, never committed) and read back on every start,
which keeps tokens valid across restarts.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Optional

MIN_SECRET_BYTES = 16


if TYPE_CHECKING:
    from bot.settings import Settings


def secret_or_generated(value: Optional[str], secret_file: Path, name: str) -> bytes:
    """``value`` (from the environment variable ``name``), else the one kept in ``secret_file``."""
    if value:
        if len(value.encode("utf-8")) < MIN_SECRET_BYTES:
            raise ValueError(f"{name} must be at least {MIN_SECRET_BYTES} bytes")
        return value.encode("utf-8")
    if not secret_file.exists():
        secret_file.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting together must end up with one secret.
        try:
            fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32))
    return secret_file.read_text(encoding="utf-8").strip().encode("utf-8")


def rasa_api_token(settings: "Settings") -> str:
    """The token of Rasa's HTTP API: the launcher gives it to Rasa, the console uses it."""
    return secret_or_generated(settings.rasa_api_token, settings.rasa_api_token_file,
                               "RASA_API_TOKEN").decode("utf-8")


def action_server_token(settings: "Settings") -> str:
    """The secret Rasa sends the action server with every call (endpoints.yml
    ``token: ${ACTION_SERVER_TOKEN}``); the action server refuses calls without it."""
    return secret_or_generated(settings.action_server_token, settings.action_server_token_file,
                               "ACTION_SERVER_TOKEN").decode("utf-8")


def model_server_token(settings: "Settings") -> str:
    """The secret Rasa sends with every pull of the active model from the console
    (``?token=``); the console's model route refuses requests without it."""
    return secret_or_generated(settings.model_server_token, settings.model_server_token_file,
                               "MODEL_SERVER_TOKEN").decode("utf-8")
