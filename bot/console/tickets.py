"""The ticket page and what staff do on it: take, assign, reply, note, hand back, resolve.

Every form posts and redirects back to the page (with a fixed notice code,
never text from the request); a failure (closed ticket, Rasa or the database
down ...) is answered by bot.console.errors. ``GET /tickets/<number>/messages?after=N`` is
the page's live feed: the transcript rows after position N, as JSON.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Dict, List, Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.console.auth import staff_required
from bot.console.context import Console
from bot.console.corrections import page_context
from bot.console.customer_history import CustomerHistory
from bot.console.live import mark_read
from bot.console.navigation import back_to_ticket
from bot.console.rendering import render
from bot.console.takeover import Ownership
from bot.console.wording import MAX_TEXT
from bot.storage.models import Ticket, TicketAudit, TranscriptMessage
from bot.storage.unit_of_work import StoreUnavailable

logger = logging.getLogger(__name__)

LOW_CONFIDENCE = 0.6


def _console(request: Request) -> Console:
    return request.app.ctx.console


def _back(number: str, notice: str, request: Request) -> HTTPResponse:
    return back_to_ticket(request, number, notice)


def _form_text(request: Request, name: str) -> str:
    return (request.form.get(name) or "").strip() if request.form else ""


def _shown(value: Any) -> Any:
    """A detail as staff read it: 2000.0 -> 2000."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def shown_text(console: Console, message: TranscriptMessage) -> str:
    """A message as staff read it: an action's Chinese name, a button's payload (a
    transcript written before payloads were shown as titles) as its description."""
    if message.role == "action":
        return console.names.step(message.text)
    if message.role == "user":
        return console.names.payload(message.text) or message.text
    return message.text


def audit_detail(entry: TicketAudit, names: Dict[str, str]) -> str:
    """An audit row's detail: an assignment names people by their display names."""
    if entry.action == "assigned":
        return " → ".join(names.get(who.strip(), who.strip()) for who in entry.detail.split("→"))
    return entry.detail


def message_json(console: Console, message: TranscriptMessage,
                 names: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    """One transcript message for the page and the JSON feeds (``action``: the code
    of an action line, whose ``text`` is its Chinese name)."""
    return {
        "position": message.position, "role": message.role, "text": shown_text(console, message),
        "action": message.text if message.role == "action" else None,
        "intent": message.intent, "intent_label": console.label("intents", message.intent) if message.intent else "",
        "confidence": message.confidence,
        "low_confidence": message.confidence is not None and message.confidence < LOW_CONFIDENCE,
        "author": (names or {}).get(message.author or "", message.author),
        "delivery": message.delivery, "delivery_note": message.delivery_note,
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
    }


async def ticket_page(request: Request, number: str) -> HTTPResponse:
    console = _console(request)
    view = await console.takeover.view(number)
    colleagues = await asyncio.to_thread(console.stores.staff.active_agents)
    names = {m.username: m.display_name for m in await asyncio.to_thread(console.stores.staff.list_staff)}
    kind, text = console.wording.notice(request.args.get("notice"))
    now = datetime.now(timezone.utc)
    ticket = view.ticket
    history = await _history(request, ticket)
    if view.messages:
        await mark_read(request, number, view.messages[-1].position)
    return render(
        request, "ticket.html", view=view, ticket=ticket, flash=text, flash_kind=kind,
        messages=[message_json(console, m, names) for m in view.messages], names=names,
        diagnostics=[(console.label("slots", key), _shown(value))
                     for key, value in (ticket.diagnostics or {}).items()],
        colleagues=colleagues, label=console.label, low_confidence=LOW_CONFIDENCE,
        audit_detail=lambda entry: audit_detail(entry, names),
        due=console.sla_clock.describe(ticket.sla_due_at, now), overdue=ticket.sla_due_at < now,
        is_open=ticket.status in ("waiting", "assigned"), max_text=MAX_TEXT, history=history,
        **(await page_context(request, number, names)),
    )


async def _history(request: Request, ticket: Ticket) -> Optional[CustomerHistory]:
    """The customer's other tickets and conversations; None when they cannot be read now."""
    try:
        return await asyncio.to_thread(_console(request).history.read, ticket)
    except (StoreUnavailable, SQLAlchemyError) as error:
        logger.warning("ticket %s: the customer's history is unavailable: %s", ticket.number, error)
        return None


async def live_messages(request: Request, number: str) -> HTTPResponse:
    console = _console(request)
    try:
        after = int(request.args.get("after") or -1)
    except ValueError:
        return response.json({"error": "bad_after", "message": console.wording.errors["bad_after"]}, status=400,
                             ensure_ascii=False)
    rows = await console.takeover.messages_after(number, after)
    ticket = await asyncio.to_thread(console.stores.desk.ticket, number)
    names = {m.username: m.display_name for m in await asyncio.to_thread(console.stores.staff.list_staff)}
    return response.json({"status": ticket.status, "assigned_agent": ticket.assigned_agent,
                          "messages": [message_json(console, m, names) for m in rows]})


async def _done(request: Request, number: str, work: Callable[[], Awaitable[Optional[str]]],
                done: str) -> HTTPResponse:
    """Back to the page with ``work``'s notice code (``done`` when it has none)."""
    return _back(number, await work() or done, request)


async def assign(request: Request, number: str) -> HTTPResponse:
    console, me = _console(request), request.ctx.staff
    wanted = _form_text(request, "assignee") or "me"
    agent = me.username if wanted == "me" else wanted
    known = {m.username for m in await asyncio.to_thread(console.stores.staff.active_agents)} | {me.username}
    if agent not in known:
        return _back(number, "no_such_agent", request)

    async def work() -> Optional[str]:
        assigned = await console.takeover.assign(number, agent, me.username)
        if agent != me.username:
            return "assigned"
        taken_from = assigned.previous
        return "taken_over" if taken_from and taken_from != me.username else "taken"

    return await _done(request, number, work, "assigned")


Outcome = Callable[[str], Awaitable[Optional[str]]]


async def _with_text(request: Request, number: str, field: str, act: Outcome, done: str) -> HTTPResponse:
    """A form with one text field: check its length, then ``act(text)``."""
    text = _form_text(request, field)
    if len(text) > MAX_TEXT:
        return _back(number, "too_long", request)
    return await _done(request, number, lambda: act(text), done)


async def reply(request: Request, number: str) -> HTTPResponse:
    console, me = _console(request), request.ctx.staff

    # Someone else's ticket is answered only after the person said they take it over
    # (the page asks; the form then carries takeover=1).
    ownership = Ownership.TAKE_OVER if _form_text(request, "takeover") == "1" else Ownership.EXCLUSIVE

    async def act(text: str) -> Optional[str]:
        result = await console.takeover.reply(number, me.username, text, ownership)
        return "replied" if result.delivered else f"reply_{result.status}"

    return await _with_text(request, number, "text", act, "replied")


async def note(request: Request, number: str) -> HTTPResponse:
    console, me = _console(request), request.ctx.staff

    async def act(text: str) -> Optional[str]:
        await console.takeover.note(number, me.username, text)
        return "noted"

    return await _with_text(request, number, "text", act, "noted")


async def resolve(request: Request, number: str) -> HTTPResponse:
    console, me = _console(request), request.ctx.staff

    async def act(text: str) -> Optional[str]:
        closed = await console.takeover.resolve(number, me.username, text)
        return "resolved" if closed.delivery.delivered else "closed_undelivered"

    return await _with_text(request, number, "note", act, "resolved")


async def hand_back(request: Request, number: str) -> HTTPResponse:
    console, me = _console(request), request.ctx.staff

    async def act() -> Optional[str]:
        closed = await console.takeover.hand_back(number, me.username)
        return "handed_back" if closed.delivery.delivered else "closed_undelivered"

    return await _done(request, number, act, "handed_back")


def register(app: Sanic) -> None:
    routes: List[Any] = [
        (ticket_page, "/tickets/<number>", ["GET"]),
        (live_messages, "/tickets/<number>/messages", ["GET"]),
        (assign, "/tickets/<number>/assign", ["POST"]),
        (reply, "/tickets/<number>/reply", ["POST"]),
        (note, "/tickets/<number>/note", ["POST"]),
        (resolve, "/tickets/<number>/resolve", ["POST"]),
        (hand_back, "/tickets/<number>/hand-back", ["POST"]),
    ]
    for handler, uri, methods in routes:
        app.add_route(staff_required(handler), uri, methods=methods, name=f"ticket_{handler.__name__}")
