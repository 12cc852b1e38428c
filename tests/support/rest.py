"""Talk to a running Rasa server through its REST channel."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
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


@dataclass
class Turn:
    messages: List[Dict[str, Any]]  # as the REST channel sent them
    actions: List[str]
    slots: Dict[str, Any]

    @property
    def texts(self) -> List[str]:
        return [m["text"] for m in self.messages if m.get("text")]


def say(base: str, sender: str, text: str) -> Turn:
    """Send ``text`` through the REST channel; what the bot said, did and now knows.
    A sender over its rate limit (RATE_LIMIT_PER_SENDER's burst) waits and sends again."""
    for attempt in range(20):
        try:
            messages = send(base, sender, text)
            break
        except urllib.error.HTTPError as error:
            if error.code != 429 or attempt == 19:
                raise
            time.sleep(1)
    tracker = conversation_tracker(base, sender)
    events = tracker["events"]
    latest = max(i for i, event in enumerate(events) if event["event"] == "user")
    return Turn(messages=messages, slots=tracker["slots"],
                actions=[e["name"] for e in events[latest:]
                         if e["event"] == "action" and e["name"] not in ("action_listen", "action_session_start")])
