"""The console's JSON API, for teams that plug in their own help desk.

Every route needs ``Authorization: Bearer <token>`` of an integration
(``StaffStore.create_integration_token``); without one the answer is 401
``{"error": "missing_token" | "invalid_token"}``. Cookies never authorize the
API, so it needs no CSRF token. Answers are UTF-8 JSON; times are ISO 8601
in UTC. Texts are masked (phones as 138****5678) and no answer holds a full
phone number: a ticket carries ``phone_last4`` only.

``GET /api/tickets``
    The queue, in the order staff take it (P1 first, then the earliest SLA due
    time, then the oldest). Query: ``status`` (open (default): waiting +
    assigned; all; waiting, assigned, resolved, handed_back, cancelled),
    ``priority`` (P1/P2/P3), ``intent`` (a problem area or ``other``),
    ``channel`` (webchat/wechat/rest), ``assignee`` (a username or ``none``),
    ``created_from`` / ``created_to`` (Shanghai dates, YYYY-MM-DD, both
    included), ``search`` (a ticket number or its start, or the last 4 digits
    of the phone), ``page`` (from 1), ``per_page`` (1-100, default 25). As in
    the console's queue, a value it does not know is ignored and numbers are
    clamped; ``assignee=me`` is a 400 (an integration is nobody).
    200 ``{"tickets": [ticket...], "total": n, "page": p, "pages": n}``; a
    ticket: number, status, priority, intent, handoff_reason, channel,
    assigned_agent, phone_last4, sla_due_at, created_at, updated_at.

``GET /api/tickets/<number>``
    One ticket (the fields above plus intent_confidence, diagnostics,
    resolution_note, assigned_at, first_response_at, closed_at), with
    ``messages`` (position, role, text, action, intent, intent_label, confidence,
    low_confidence, author, delivery, delivery_note, sent_at; an action line's
    ``text`` is its Chinese name, ``action`` its code), ``notes``
    (author, text, created_at) and ``audit`` (actor, action, detail, at).
    The customer's newest messages are copied from the conversation first.
    404 ``{"error": "not_found"}`` for an unknown number.

``POST /api/tickets/<number>/reply`` with ``{"text": "...", "agent": "wang"}``
    Sends ``text`` to the customer on their channel. The author recorded is
    ``api:<integration name>``, or ``agent`` when it is the username of an
    active staff member (another username: 400 ``no_such_agent``). A waiting
    ticket is taken by the author first (the bot is paused).
    200 ``{"delivery": "delivered" | "kept" | "failed", "note": "...", "author": "..."}``;
    kept/failed: the reply is on the ticket, ``note`` says why it did not reach the customer.

``POST /api/tickets/<number>/resolve`` with ``{"note": "...", "agent": "wang"}``
    Closes the ticket as resolved (both fields optional, ``agent`` as above):
    the bot owns the conversation again and asks the customer to rate the help.
    200 ``{"status": "resolved", "delivery": "...", "note": "..."}`` (``note``:
    why the closing message did not reach the customer, if it did not).

Errors: ``{"error": code, "message": <Chinese explanation>}``.
400 ``bad_json`` (not JSON, or not an object), ``bad_text`` / ``bad_note`` /
``bad_agent`` (not a string), ``empty`` (missing or empty text), ``too_long``
(over `bot.console.wording.MAX_TEXT` characters), ``no_such_agent``, ``bad_filter``;
404 ``not_found``; 409 ``closed`` (the ticket was already closed);
503 ``rasa_unavailable`` (nothing changed) or ``db_unavailable`` (bot.console.errors;
the messages: data/support/texts.yml ``console``).
"""
from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import integration_required
from bot.console.context import Console
from bot.console.errors import BadRequest
from bot.console.tickets import message_json
from bot.console.wording import MAX_TEXT
from bot.pii.masks import MASKS
from bot.pii.recognizers import PHONE, PhoneRecognizer
from bot.storage.desk import TicketView
from bot.storage.models import Ticket
from bot.storage.ticket_queue import ME, QueueFilter

logger = logging.getLogger(__name__)

# The API's query names -> the console queue's (`QueueFilter.from_query`).
FILTER_KEYS = {"status": "status", "priority": "priority", "intent": "intent", "channel": "channel",
               "assignee": "assignee", "created_from": "from", "created_to": "to", "search": "q",
               "page": "page", "per_page": "per_page"}

# -- no full phone number leaves the API ---------------------------------------

_PHONES = PhoneRecognizer()


def masked_phones(value: Any) -> Any:
    """``value`` with every mobile number in its strings masked (138****5678), at any depth."""
    if isinstance(value, str):
        spans = _PHONES.find(value, None)  # type: ignore[arg-type]  # a pattern needs no spaCy doc
        for span in reversed(spans):
            value = value[:span.start] + MASKS[PHONE](value[span.start:span.end]) + value[span.end:]
        return value
    if isinstance(value, dict):
        return {key: masked_phones(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [masked_phones(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool):  # a phone kept as a number
        text = str(value)
        masked = masked_phones(text)
        return masked if masked != text else value
    return value


def answer(body: Dict[str, Any], status: int = 200) -> HTTPResponse:
    return response.json(masked_phones(body), status=status, ensure_ascii=False)


# -- JSON shapes ---------------------------------------------------------------

def _iso(moment: Optional[datetime]) -> Optional[str]:
    return moment.isoformat() if moment else None


def _last4(ticket: Ticket) -> Optional[str]:
    last4 = ticket.phone_last4 or ""
    return last4 if len(last4) == 4 and last4.isdigit() else None


def ticket_json(ticket: Ticket) -> Dict[str, Any]:
    return {
        "number": ticket.number, "status": ticket.status, "priority": ticket.priority,
        "intent": ticket.intent, "handoff_reason": ticket.handoff_reason, "channel": ticket.channel,
        "assigned_agent": ticket.assigned_agent, "phone_last4": _last4(ticket),
        "sla_due_at": _iso(ticket.sla_due_at), "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
    }


def detail_json(console: Console, view: TicketView) -> Dict[str, Any]:
    ticket = view.ticket
    return {
        **ticket_json(ticket),
        "intent_confidence": ticket.intent_confidence, "diagnostics": dict(ticket.diagnostics or {}),
        "resolution_note": ticket.resolution_note, "assigned_at": _iso(ticket.assigned_at),
        "first_response_at": _iso(ticket.first_response_at), "closed_at": _iso(ticket.closed_at),
        "messages": [message_json(console, m) for m in view.messages],
        "notes": [{"author": n.author, "text": n.text, "created_at": _iso(n.created_at)} for n in view.notes],
        "audit": [{"actor": a.actor, "action": a.action, "detail": a.detail, "at": _iso(a.at)}
                  for a in view.audit],
    }


# -- reading requests ----------------------------------------------------------

def json_object(request: Request) -> Dict[str, Any]:
    """The body as a JSON object, or `BadRequest` ``bad_json``."""
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("bad_json") from None
    if not isinstance(body, dict):
        raise BadRequest("bad_json")
    return body


def text_field(body: Mapping[str, Any], name: str, required: bool) -> str:
    value = body.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise BadRequest(f"bad_{name}")
    value = value.strip()
    if required and not value:
        raise BadRequest("empty")
    if len(value) > MAX_TEXT:
        raise BadRequest("too_long")
    return value


async def author_of(request: Request, body: Mapping[str, Any]) -> str:
    """``agent`` when it names an active staff member, else ``api:<integration>``."""
    agent = body.get("agent")
    if agent is None or agent == "":
        return f"api:{request.ctx.integration}"
    if not isinstance(agent, str):
        raise BadRequest("bad_agent")
    console: Console = request.app.ctx.console
    active = await asyncio.to_thread(console.stores.staff.active_agents)
    if agent.strip() not in {member.username for member in active}:
        raise BadRequest("no_such_agent")
    return agent.strip()


# -- routes --------------------------------------------------------------------

def _console(request: Request) -> Console:
    return request.app.ctx.console


async def list_tickets(request: Request) -> HTTPResponse:
    console = _console(request)
    query = {queue_key: request.args.get(api_key) for api_key, queue_key in FILTER_KEYS.items()}
    wanted = QueueFilter.from_query(query, console.rows.areas)
    if wanted.assignee == ME:
        raise BadRequest("bad_filter")
    page = await asyncio.to_thread(console.stores.queue.page, wanted)
    return answer({"tickets": [ticket_json(t) for t in page.rows], "total": page.total,
                   "page": page.page, "pages": page.pages})


async def show_ticket(request: Request, number: str) -> HTTPResponse:
    console = _console(request)
    return answer(detail_json(console, await console.takeover.view(number)))


async def reply(request: Request, number: str) -> HTTPResponse:
    """The ticket is read once, by the reply itself (a closed one: 409, nothing sent)."""
    console = _console(request)
    body = json_object(request)
    text = text_field(body, "text", required=True)
    author = await author_of(request, body)
    result = await console.takeover.reply(number, author, text)
    return answer({"delivery": result.status, "note": result.note, "author": author})


async def resolve(request: Request, number: str) -> HTTPResponse:
    console = _console(request)
    body = json_object(request)
    note = text_field(body, "note", required=False)
    actor = await author_of(request, body)
    closed = await console.takeover.resolve(number, actor, note)
    return answer({"status": closed.ticket.status, "delivery": closed.delivery.status,
                   "note": closed.delivery.note})


def register(app: Sanic) -> None:
    routes: List[Any] = [
        (list_tickets, "/api/tickets", ["GET"]),
        (show_ticket, "/api/tickets/<number>", ["GET"]),
        (reply, "/api/tickets/<number>/reply", ["POST"]),
        (resolve, "/api/tickets/<number>/resolve", ["POST"]),
    ]
    for handler, uri, methods in routes:
        app.add_route(integration_required(handler), uri, methods=methods, name=f"api_{handler.__name__}")
