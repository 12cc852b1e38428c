"""Staff correct the bot on the ticket page: a customer turn's intent (the right
one, or 新的FAQ问题) and a wrong bot answer; admins download the corrections (with
the examples approved in the misunderstood inbox) as training data (``/admin/corrections/nlu.yml``) and FAQ drafts
(``/admin/corrections/faq-drafts.yml``), ``?since=YYYY-MM-DD``.

``POST /tickets/<number>/corrections`` (position, kind, intent) and
``POST /tickets/<number>/corrections/remove`` (position, kind) redirect back to
the page with a fixed notice code (failures: bot.console.errors). `page_context` is what the ticket page needs
to show the corrections and the controls.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, Optional, Tuple

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import admin_required, staff_required
from bot.console.context import Console
from bot.console.navigation import back_to_ticket
from bot.console.teaching_state import Teaching
from bot.reports.period import BadPeriod, parse_day, start_of
from bot.storage.corrections import CorrectionRefused
from bot.storage.desk import TicketNotFound
from bot.storage.models import CORRECTION_KINDS, Correction
from bot.storage.tickets import TicketStoreUnavailable
from bot.teaching.exporter import Exports, export_corrections

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CorrectionShown:
    kind: str
    label: str  # the right intent in Chinese (intent corrections)
    author: str  # display name
    at: datetime  # shown with the ``local`` filter


def teaching(request: Request) -> Teaching:
    console: Console = request.app.ctx.console
    return console.teaching


async def page_context(request: Request, number: str, names: Dict[str, str]) -> Dict[str, Any]:
    """``corrections`` (position -> kind -> `CorrectionShown`) and ``intent_choices``."""
    found: Dict[int, Any] = {}
    try:
        rows = await asyncio.to_thread(teaching(request).corrections.for_ticket, number)
    except (TicketNotFound, TicketStoreUnavailable):
        rows = {}
    for position, corrections in rows.items():
        found[position] = {c.kind: _shown(request, c, names) for c in corrections}
    return {"corrections": found, "intent_choices": teaching(request).choices}


def _shown(request: Request, correction: Correction, names: Dict[str, str]) -> CorrectionShown:
    return CorrectionShown(correction.kind, teaching(request).label(correction.corrected_intent),
                           names.get(correction.author, correction.author), correction.created_at)


def _back(request: Request, number: str, notice: str, position: Optional[int] = None) -> HTTPResponse:
    return back_to_ticket(request, number, notice, position)


def _fields(request: Request) -> Tuple[Optional[int], str, str]:
    form = request.form or {}
    try:
        position: Optional[int] = int(form.get("position") or "")
    except ValueError:
        position = None
    return position, (form.get("kind") or "").strip(), (form.get("intent") or "").strip()


async def correct(request: Request, number: str) -> HTTPResponse:
    store, me = teaching(request).corrections, request.ctx.staff
    position, kind, intent = _fields(request)
    if position is None or kind not in CORRECTION_KINDS:
        return _back(request, number, "not_correctable")
    if kind == "intent" and intent not in {c.name for c in teaching(request).choices}:
        return _back(request, number, "unknown_intent", position)
    try:
        if kind == "intent":
            await asyncio.to_thread(store.mark_intent, number, position, intent, me.username)
        else:
            await asyncio.to_thread(store.mark_answer, number, position, me.username)
    except CorrectionRefused as refused:
        code = "same_intent" if refused.problem == "same_intent" else "not_correctable"
        return _back(request, number, code, position)
    logger.info("ticket %s: %s corrected %s at %s", number, me.username, kind, position)
    return _back(request, number, "corrected", position)


async def remove(request: Request, number: str) -> HTTPResponse:
    position, kind, _ = _fields(request)
    if position is None or kind not in CORRECTION_KINDS:
        return _back(request, number, "not_correctable")
    await asyncio.to_thread(teaching(request).corrections.remove, number, position, kind)
    return _back(request, number, "correction_removed", position)


async def _exports(request: Request) -> Exports:
    """Corrections made on or after ``?since=`` (a day in the service hours' zone), or all of them."""
    settings = request.app.ctx.console.settings
    where = teaching(request).zone
    raw = (request.args.get("since") or "").strip()
    since = start_of(parse_day(raw), where) if raw else None
    now = datetime.now(timezone.utc).astimezone(where)
    return await asyncio.to_thread(export_corrections, settings, teaching(request).corrections, since, now,
                                   teaching(request).approved)


def _download(text: str, filename: str) -> HTTPResponse:
    return response.raw(text.encode("utf-8"), content_type="application/x-yaml; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})


async def _download_export(request: Request, kind: str, filename: str) -> HTTPResponse:
    """One of the corrections' exports (``nlu`` or ``faq``) as a file download."""
    try:
        exports = await _exports(request)
    except BadPeriod:
        return response.text(request.app.ctx.console.wording.exports["bad_since"], status=400)
    except TicketStoreUnavailable:
        return response.text(request.app.ctx.console.wording.exports["unavailable"], status=503)
    if kind == "nlu":
        logger.info("corrections exported by %s: %s examples", request.ctx.staff.username, exports.nlu.count)
    return _download(getattr(exports, kind).yaml, filename)


async def download_nlu(request: Request) -> HTTPResponse:
    return await _download_export(request, "nlu", "corrections_nlu.yml")


async def download_faq_drafts(request: Request) -> HTTPResponse:
    return await _download_export(request, "faq", "faq_drafts.yml")


def register(app: Sanic) -> None:
    app.add_route(staff_required(correct), "/tickets/<number>/corrections", methods=["POST"],
                  name="ticket_correct")
    app.add_route(staff_required(remove), "/tickets/<number>/corrections/remove", methods=["POST"],
                  name="ticket_correction_remove")
    app.add_route(admin_required(download_nlu), "/admin/corrections/nlu.yml", methods=["GET"],
                  name="corrections_nlu")
    app.add_route(admin_required(download_faq_drafts), "/admin/corrections/faq-drafts.yml", methods=["GET"],
                  name="corrections_faq_drafts")
