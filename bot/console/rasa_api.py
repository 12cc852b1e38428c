"""The console's calls to the Rasa server's HTTP API (behind its token).

A person taking a ticket pauses the conversation (Rasa records the customer's
messages but predicts nothing); their replies are recorded in it; closing it ends
the waiting loop, resumes the conversation and runs one of the handoff-closing
actions, whose messages the console delivers to the customer's channel.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, List
from urllib.parse import quote

import aiohttp

from bot.http_session import LazySession

logger = logging.getLogger(__name__)


class RasaUnavailable(RuntimeError):
    """The Rasa server did not answer, or refused the call."""


class RasaConversations:
    def __init__(self, base_url: str, token: str, timeout: float = 30.0) -> None:
        self._base = base_url.rstrip("/")
        self._token = token
        self._http = LazySession(timeout)

    async def close(self) -> None:
        await self._http.close()

    async def _post(self, path: str, payload: Any) -> Any:
        url = f"{self._base}{path}"
        params = {"token": self._token, "include_events": "NONE"}
        try:
            async with self._http.get().post(url, params=params, data=json.dumps(payload),
                                         headers={"Content-Type": "application/json"}) as reply:
                body = await reply.text()
                if not 200 <= reply.status < 300:
                    raise RasaUnavailable(f"{path}: HTTP {reply.status} {body[:200]}")
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise RasaUnavailable(f"{path}: {type(error).__name__}: {error}") from None
        try:
            return json.loads(body) if body else {}
        except ValueError:
            raise RasaUnavailable(f"{path}: not JSON") from None

    @staticmethod
    def _conversation(sender_id: str) -> str:
        return f"/conversations/{quote(sender_id, safe='')}"

    async def pause(self, sender_id: str) -> None:
        await self._post(f"{self._conversation(sender_id)}/tracker/events", [{"event": "pause"}])

    async def append(self, sender_id: str, events: List[Dict[str, Any]]) -> None:
        """Add ``events`` to the conversation as they are (nothing is sent to the customer)."""
        await self._post(f"{self._conversation(sender_id)}/tracker/events", events)

    async def give_back(self, sender_id: str, action: str) -> List[Dict[str, Any]]:
        """Resume the conversation and run ``action`` (it ends the waiting loop);
        returns the messages it produced, for the console to deliver."""
        path = self._conversation(sender_id)
        await self._post(f"{path}/tracker/events", [{"event": "resume"}])
        reply = await self._post(f"{path}/execute", {"name": action})
        # As after any bot turn: the next customer message follows a listen.
        await self._post(f"{path}/tracker/events", [{"event": "action", "name": "action_listen"}])
        return list(reply.get("messages") or [])

    async def parse(self, text: str) -> Dict[str, Any]:
        """The NLU's parse data of ``text`` (intent, entities, the carried embedding);
        nothing is added to any conversation."""
        reply = await self._post("/model/parse", {"text": text})
        return reply if isinstance(reply, dict) else {}
