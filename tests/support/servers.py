"""Commands and endpoints for the real servers the tests start (`bot.processes.running`)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List

import yaml

from bot.cli import rasa_command

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# Rasa's private API needs it (bot.rasa_ext.api_guard); channels do not.
RASA_API_TOKEN = "session-rasa-api-token-0123456789"


# Rasa sends it to the action server (endpoints.yml ``token: ${ACTION_SERVER_TOKEN}``);
# conftest puts it in the environment every server of the session inherits.
ACTION_SERVER_TOKEN = "session-action-server-token-0123456789"


def action_webhook(url: str) -> str:
    """An action server's webhook ``url`` with the session's token, as Rasa calls it."""
    return f"{url}?token={ACTION_SERVER_TOKEN}"


def api(path: str) -> str:
    """``path`` of Rasa's HTTP API with the session's token."""
    return f"{path}{'&' if '?' in path else '?'}token={RASA_API_TOKEN}"


def action_server_command(port: int) -> List[str]:
    return [str(BIN / "rasa"), "run", "actions", "--port", str(port)]


def rasa_server_command(port: int, model: Path, endpoints: Path,
                        credentials: Path = ROOT / "credentials.yml") -> List[str]:
    return rasa_command("run", "--enable-api", "--port", str(port), "--model", str(model),
                        "--endpoints", str(endpoints), "--credentials", str(credentials))


def write_endpoints(path: Path, action_url: str, tracker_db: Path) -> Path:
    """The project's endpoints.yml with this test's action server and tracker database."""
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    endpoints["action_endpoint"]["url"] = action_url
    endpoints["tracker_store"]["db"] = str(tracker_db)
    path.write_text(yaml.safe_dump(endpoints, allow_unicode=True), encoding="utf-8")
    return path
