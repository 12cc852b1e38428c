"""The ticket page and what staff do on it: take, assign, reply, note, hand back, resolve.

Every form posts and redirects back to the page (with a fixed notice code,
never text from the request). ``GET /tickets/<number>/messages?after=N`` is
the page's live feed: the transcript rows after position N, as JSON.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional
from urllib.parse import quote

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import staff_required
from bot.console.context import Console
from bot.console.rasa_api import RasaUnavailable
from bot.console.rendering import render
from bot.console.takeover import EmptyMessage
from bot.storage.desk import TicketClosed, TicketNotFound
from bot.storage.models import TranscriptMessage
from bot.storage.tickets import TicketStoreUnavailable

logger = logging.getLogger(__name__)

LOW_CONFIDENCE = 0.6
MAX_TEXT = 2000
NOTICES = {
    "taken": ("ok", "已接手：机器人已暂停，客户的新消息会实时显示在下方。"),
    "assigned": ("ok", "已分配。"),
    "replied": ("ok", "回复已发送给客户。"),
    "reply_kept": ("error", "回复没有送达客户，已保留在工单中（原因见消息下方）。"),
    "reply_failed": ("error", "回复发送失败，已保留在工单中，请稍后重试。"),
    "noted": ("ok", "内部备注已保存（客户看不到）。"),
    "resolved": ("ok", "工单已解决：对话已交还机器人，并已邀请客户评分。"),
    "handed_back": ("ok", "已交还机器人。"),
    "closed_undelivered": ("error", "工单已关闭，但给客户的结束消息没有送达（原因见处理记录）。"),
    "closed": ("error", "这张工单已经关闭，不能再操作。"),
    "empty": ("error", "内容不能为空。"),
    "too_long": ("error", f"内容太长了（最多 {MAX_TEXT} 字）。"),
    "rasa_down": ("error", "机器人服务暂时连不上，操作没有生效，请稍后重试。"),
    "db_down": ("error", "工单数据库暂时不可用，请稍后重试。"),
    "no_such_agent": ("error", "没有这个同事（或账号已停用）。"),
}


def _console(request: Request) -> Console:
    return request.app.ctx.console


def _back(number: str, notice: str) -> HTTPResponse:
    return response.redirect(f"/tickets/{quote(number)}?notice={notice}", status=303)


def _form_text(request: Request, name: str) -> str:
    return (request.form.get(name) or "").strip() if request.form else ""


def message_json(console: Console, message: TranscriptMessage) -> Dict[str, Any]:
    return {
        "position": message.position, "role": message.role, "text": message.text,
        "intent": message.intent, "intent_label": console.label("intents", message.intent) if message.intent else "",
        "confidence": message.confidence,
        "low_confidence": message.confidence is not None and message.confidence < LOW_CONFIDENCE,
        "author": message.author, "delivery": message.delivery, "delivery_note": message.delivery_note,
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
    }


async def ticket_page(request: Request, number: str) -> HTTPResponse:
    console = _console(request)
    try:
        view = await console.takeover.view(number)
        colleagues = await asyncio.to_thread(console.stores.staff.active_agents)
    except TicketNotFound:
        return render(request, "not_found.html", status=404, number=number)
    except TicketStoreUnavailable:
        return render(request, "not_found.html", status=503, number=number, unavailable=True)
    kind, text = NOTICES.get(request.args.get("notice") or "", (None, None))
    now = datetime.now(timezone.utc)
    ticket = view.ticket
    return render(
        request, "ticket.html", view=view, ticket=ticket, flash=text, flash_kind=kind,
        messages=[message_json(console, m) for m in view.messages],
        diagnostics=[(console.label("diagnostics", key), value) for key, value in (ticket.diagnostics or {}).items()],
        colleagues=colleagues, label=console.label, low_confidence=LOW_CONFIDENCE,
        due=console.sla_clock.describe(ticket.sla_due_at, now), overdue=ticket.sla_due_at < now,
        is_open=ticket.status in ("waiting", "assigned"), max_text=MAX_TEXT,
    )


async def live_messages(request: Request, number: str) -> HTTPResponse:
    console = _console(request)
    try:
        after = int(request.args.get("after") or -1)
    except ValueError:
        return response.json({"error": "after must be a whole number"}, status=400)
    try:
        rows = await console.takeover.messages_after(number, after)
        ticket = (await asyncio.to_thread(console.stores.desk.view, number)).ticket
    except TicketNotFound:
        return response.json({"error": "no such ticket"}, status=404)
    except TicketStoreUnavailable:
        return response.json({"error": "ticket database unavailable"}, status=503)
    return response.json({"status": ticket.status, "assigned_agent": ticket.assigned_agent,
                          "messages": [message_json(console, m) for m in rows]})


async def _guarded(number: str, work: Any, done: str) -> HTTPResponse:
    try:
        outcome = await work()
    except TicketNotFound:
        return response.text("没有这张工单", status=404)
    except TicketClosed:
        return _back(number, "closed")
    except EmptyMessage:
        return _back(number, "empty")
    except RasaUnavailable as error:
        logger.warning("ticket %s: Rasa unavailable: %s", number, error)
        return _back(number, "rasa_down")
    except TicketStoreUnavailable:
        return _back(number, "db_down")
    return _back(number, outcome or done)


async def assign(request: Request, number: str) -> HTTPResponse:
    console, me = _console(request), request.ctx.staff
    wanted = _form_text(request, "assignee") or "me"
    agent = me.username if wanted == "me" else wanted
    known = {m.username for m in await asyncio.to_thread(console.stores.staff.active_agents)} | {me.username}
    if agent not in known:
        return _back(number, "no_such_agent")

    async def work() -> Optional[str]:
        await console.takeover.assign(number, agent, me.username)
        return "taken" if agent == me.username else "assigned"

    return await _guarded(number, work, "assigned")


def _too_long(text: str) -> bool:
    return len(text) > MAX_TEXT


async def reply(request: Request, number: str) -> HTTPResponse:
    console, me = _console(request), request.ctx.staff
    text = _form_text(request, "text")
    if _too_long(text):
        return _back(number, "too_long")

    async def work() -> Optional[str]:
        result = await console.takeover.reply(number, me.username, text)
        return "replied" if result.delivered else f"reply_{result.status}"

    return await _guarded(number, work, "replied")


async def note(request: Request, number: str) -> HTTPResponse:
    console, me = _console(request), request.ctx.staff
    text = _form_text(request, "text")
    if _too_long(text):
        return _back(number, "too_long")

    async def work() -> Optional[str]:
        await console.takeover.note(number, me.username, text)
        return "noted"

    return await _guarded(number, work, "noted")


async def resolve(request: Request, number: str) -> HTTPResponse:
    console, me = _console(request), request.ctx.staff
    text = _form_text(request, "note")
    if _too_long(text):
        return _back(number, "too_long")

    async def work() -> Optional[str]:
        closed = await console.takeover.resolve(number, me.username, text)
        return "resolved" if closed.delivery.delivered else "closed_undelivered"

    return await _guarded(number, work, "resolved")


async def hand_back(request: Request, number: str) -> HTTPResponse:
    console, me = _console(request), request.ctx.staff

    async def work() -> Optional[str]:
        closed = await console.takeover.hand_back(number, me.username)
        return "handed_back" if closed.delivery.delivered else "closed_undelivered"

    return await _guarded(number, work, "handed_back")


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
