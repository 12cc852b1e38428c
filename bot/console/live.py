"""The live inbox: what the console's pages poll to update themselves (static/live.js).

- ``GET /live/inbox``: the counts of the 全部 / 未分配 / 我的 views and, for every
  open ticket, its owner, the customer's unread messages and how long the
  customer has been waiting for a person;
- ``POST /live/tickets/<number>/presence`` ``{typing, read}``: "I have this ticket
  open" (renewed every few seconds, `bot.storage.presence`), how far I have read
  it; answers its status, owner and who else has it open or is typing;
- ``POST /live/tickets/<number>/leave``: the page was closed.

The state is in the database (read marks, presence rows), so any number of
console workers agree. A customer's new message is counted without anyone
opening the ticket: the open tickets' transcripts are copied from the tracker
store (`bot.console.live_sync`) at most once every few seconds per worker. A missing
ticket or an unavailable database is answered by bot.console.errors.
"""
from __future__ import annotations

import asyncio
import logging
import math
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional

from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import current_staff, staff_required
from bot.console.context import Console
from bot.storage.desk import TicketNotFound
from bot.storage.live_inbox import LiveInbox, LiveTicket
from bot.storage.models import CLOSED_STATUSES
from bot.storage.unit_of_work import StoreUnavailable

logger = logging.getLogger(__name__)


def _console(request: Request) -> Console:
    return request.app.ctx.console


def _minutes(since: Optional[datetime], now: datetime) -> Optional[int]:
    return None if since is None else max(0, math.floor((now - since) / timedelta(minutes=1)))


def _ticket_json(ticket: LiveTicket, me: str, names: Dict[str, str], now: datetime) -> Dict[str, Any]:
    return {"number": ticket.number, "status": ticket.status, "owner": ticket.owner,
            "owner_name": names.get(ticket.owner or "", ticket.owner), "mine": ticket.owner == me,
            "unread": ticket.unread, "waiting_minutes": _minutes(ticket.waiting_since, now)}


async def mark_read(request: Request, number: str, position: int) -> None:
    """The signed-in person was shown ``number`` up to ``position``; a failure only logs."""
    staff = current_staff(request)
    if staff is None:
        return
    try:
        await asyncio.to_thread(_console(request).stores.inbox.mark_read, number, staff.username, position)
    except (StoreUnavailable, TicketNotFound) as error:
        logger.warning("read mark of %s not kept: %s", number, type(error).__name__)


async def inbox(request: Request) -> HTTPResponse:
    console = _console(request)
    me = current_staff(request)
    assert me is not None  # staff_required ran first
    store: LiveInbox = console.stores.inbox
    tickets = await asyncio.to_thread(store.open_tickets)
    if await console.live_sync.refresh([t.number for t in tickets]):
        tickets = await asyncio.to_thread(store.open_tickets)
    counts = await asyncio.to_thread(console.stores.queue.counts, me.username)
    names = {m.username: m.display_name for m in await asyncio.to_thread(console.stores.staff.list_staff)}
    now = datetime.now(timezone.utc)
    return response.json({
        "me": me.username,
        "counts": {"all": counts.open, "unassigned": counts.unassigned, "mine": counts.mine,
                   "waiting": counts.waiting, "assigned": counts.assigned},
        "tickets": [_ticket_json(t, me.username, names, now) for t in tickets],
    })


def _beat_fields(request: Request) -> Optional[Dict[str, Any]]:
    """``{typing: bool, read: int|null}`` from the body, or None when it is not that."""
    try:
        body = request.json if request.body else {}
    except Exception:  # noqa: BLE001 - Sanic raises its own error for malformed JSON
        return None
    if not isinstance(body, dict):
        return None
    typing, read = body.get("typing", False), body.get("read")
    if not isinstance(typing, bool) or (read is not None and (type(read) is not int or read < -1)):
        return None
    return {"typing": typing, "read": read}


async def presence(request: Request, number: str) -> HTTPResponse:
    console = _console(request)
    me = current_staff(request)
    assert me is not None
    fields = _beat_fields(request)
    if fields is None:
        return response.json({"error": "bad_request", "message": console.wording.errors["bad_beat"]},
                             status=400, ensure_ascii=False)
    ticket = await asyncio.to_thread(console.stores.desk.ticket, number)
    is_open = ticket.status not in CLOSED_STATUSES
    if is_open:
        await asyncio.to_thread(console.stores.presence.beat, number, me.username, fields["typing"])
    if fields["read"] is not None:
        await asyncio.to_thread(console.stores.inbox.mark_read, number, me.username, fields["read"])
    here = await asyncio.to_thread(console.stores.presence.present, number) if is_open else []
    names = {m.username: m.display_name for m in await asyncio.to_thread(console.stores.staff.list_staff)}
    owner = ticket.assigned_agent
    return response.json({
        "status": ticket.status, "status_label": console.label("statuses", ticket.status), "open": is_open,
        "owner": owner, "owner_name": names.get(owner or "", owner) if owner else None,
        "mine": owner == me.username,
        "others": [{"name": names.get(p.username, p.username), "typing": p.typing}
                   for p in here if p.username != me.username],
    })


async def leave(request: Request, number: str) -> HTTPResponse:
    me = current_staff(request)
    assert me is not None
    await asyncio.to_thread(_console(request).stores.presence.leave, number, me.username)
    return response.empty()


def register(app: Sanic) -> None:
    bp = Blueprint("live")
    routes: List[Any] = [
        (inbox, "/live/inbox", "GET"),
        (presence, "/live/tickets/<number>/presence", "POST"),
        (leave, "/live/tickets/<number>/leave", "POST"),
    ]
    for handler, uri, method in routes:
        bp.add_route(staff_required(handler), uri, methods=[method], name=f"live_{handler.__name__}")
    app.blueprint(bp)
