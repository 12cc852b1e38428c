"""``GET /tickets/<number>/suggestions``: answers for the customer's latest message,
for the ticket page's suggestions panel (static/suggestions.js). Any signed-in staff.

200 ``{"status": "ready", "position": n, "message": "<masked text>", "suggestions":
[{"kind": "faq"|"canned", "kind_label", "key", "title", "text", "score"}]}`` (at
most three, best first; ``position``/``message`` null when the customer has not
written yet); 202 ``{"status": "preparing"}`` while the search is first built
(the page asks again); 503 ``{"status": "unavailable"}`` if it could not be
built; 404 for an unknown ticket. The message searched is the transcript's, masked
when it was stored and masked again here: nothing unmasked is searched or answered.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Mapping, Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import staff_required
from bot.console.context import Console, masked
from bot.console.suggester import FAILED, READY
from bot.console.suggestion_ranking import Suggestion
from bot.storage.models import TranscriptMessage

logger = logging.getLogger(__name__)

def latest_customer_message(messages: Any) -> Optional[TranscriptMessage]:
    """The customer's newest message with words in it."""
    return next((m for m in reversed(list(messages)) if m.role == "user" and (m.text or "").strip()), None)


def suggestion_json(suggestion: Suggestion, words: Mapping[str, str]) -> Dict[str, Any]:
    """``words``: texts.yml ``console.suggestions`` (a kind's label is its entry)."""
    return {"kind": suggestion.kind, "kind_label": words.get(suggestion.kind, ""), "key": suggestion.key,
            "title": suggestion.title, "text": suggestion.text, "score": round(suggestion.score, 3)}


@staff_required
async def ticket_suggestions(request: Request, number: str) -> HTTPResponse:
    console: Console = request.app.ctx.console
    suggestions = console.wording.suggestions  # the panel's words
    view = await console.takeover.view(number)  # a missing ticket: bot.console.errors
    search = console.suggester
    state = search.prepare()
    if state == FAILED:
        return response.json({"status": "unavailable", "message": suggestions["unavailable"]}, status=503)
    if state != READY:
        return response.json({"status": "preparing", "message": suggestions["preparing"]}, status=202)
    latest = latest_customer_message(view.messages)
    if latest is None:
        return response.json({"status": READY, "position": None, "message": None, "suggestions": []})
    text = await asyncio.to_thread(masked, latest.text)  # stored masked; masked again, to be sure
    try:
        found = await asyncio.to_thread(search.suggest, text, latest.intent)
    except Exception:  # noqa: BLE001 - the panel says so; the reply box still works
        logger.exception("console: suggestions for %s failed", number)
        return response.json({"status": "unavailable", "message": suggestions["unavailable"]}, status=503)
    return response.json({"status": READY, "position": latest.position, "message": text,
                          "suggestions": [suggestion_json(s, suggestions) for s in found]}, ensure_ascii=False)


def register(app: Sanic) -> None:
    app.add_route(ticket_suggestions, "/tickets/<number>/suggestions", methods=["GET"],
                  name="ticket_suggestions")
