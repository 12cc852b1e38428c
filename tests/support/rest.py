"""Talk to a running Rasa server through its REST channel."""
from __future__ import annotations

import json
import urllib.request
from typing import Any, Dict, List

from tests.support.servers import api


def post_json(url: str, payload: Any, timeout: float = 30) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json"}, method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def send(base_url: str, sender: str, message: str) -> List[Dict[str, Any]]:
    """The bot's messages in answer to ``message``."""
    return post_json(f"{base_url}/webhooks/rest/webhook", {"sender": sender, "message": message})


def conversation_tracker(base_url: str, sender: str) -> Dict[str, Any]:
    """The conversation as Rasa's HTTP API gives it (events, slots), with the session's token."""
    with urllib.request.urlopen(base_url + api(f"/conversations/{sender}/tracker"), timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


def reply_text(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)
