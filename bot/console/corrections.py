"""Staff correct the bot on the ticket page: a customer turn's intent (the right
one, or 新的FAQ问题) and a wrong bot answer; admins download the corrections (with
the examples approved in the misunderstood inbox) as training data (``/admin/corrections/nlu.yml``) and FAQ drafts
(``/admin/corrections/faq-drafts.yml``), ``?since=YYYY-MM-DD``.

``POST /tickets/<number>/corrections`` (position, kind, intent) and
``POST /tickets/<number>/corrections/remove`` (position, kind) redirect back to
the page with a fixed notice code. `page_context` is what the ticket page needs
to show the corrections and the controls.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from typing import Any, Dict, Optional, Tuple
from urllib.parse import quote

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import admin_required, staff_required
from bot.console.context import Console
from bot.handoff.sla import ServiceHours
from bot.reports.period import BadPeriod, parse_day, start_of, zone
from bot.storage.corrections import CorrectionRefused, CorrectionStore
from bot.storage.desk import TicketNotFound
from bot.storage.engine import make_engine
from bot.storage.inbox import InboxStore
from bot.storage.models import CORRECTION_KINDS, NEW_FAQ_QUESTION, Correction
from bot.storage.tickets import TicketStoreUnavailable
from bot.teaching.exporter import Exports, export_corrections
from bot.teaching.intents import NEW_FAQ_LABEL, IntentChoice, domain_intents, intent_choices

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Teaching:
    """``app.ctx.teaching``: the corrections store, the intents staff pick from, the
    inbox's approved examples (exported with the corrections)."""

    corrections: CorrectionStore
    choices: Tuple[IntentChoice, ...]
    zone: tzinfo  # of the service hours: the day ``since`` begins
    approved: InboxStore

    @classmethod
    def build(cls, console: Console) -> "Teaching":
        settings = console.settings
        intents = domain_intents(settings.project_dir / "domain.yml")
        labels = console.names.section("intents")
        choices = intent_choices(intents, labels, lambda name: console.label("intents", name))
        where = zone(ServiceHours.load(settings.support_dir / "service_hours.yml").timezone)
        engine = make_engine(settings.database_url)
        return cls(CorrectionStore(engine), choices, where, InboxStore(engine))

    def label(self, intent: Optional[str]) -> str:
        if intent == NEW_FAQ_QUESTION:
            return NEW_FAQ_LABEL
        return next((c.label for c in self.choices if c.name == intent), intent or "")


@dataclass(frozen=True)
class CorrectionShown:
    kind: str
    label: str  # the right intent in Chinese (intent corrections)
    author: str  # display name
    at: datetime  # shown with the ``local`` filter


def teaching(request: Request) -> Teaching:
    return request.app.ctx.teaching


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


def _back(number: str, notice: str, position: Optional[int] = None) -> HTTPResponse:
    anchor = f"#m{position}" if position is not None else ""
    return response.redirect(f"/tickets/{quote(number)}?notice={notice}{anchor}", status=303)


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
        return _back(number, "not_correctable")
    if kind == "intent" and intent not in {c.name for c in teaching(request).choices}:
        return _back(number, "unknown_intent", position)
    try:
        if kind == "intent":
            await asyncio.to_thread(store.mark_intent, number, position, intent, me.username)
        else:
            await asyncio.to_thread(store.mark_answer, number, position, me.username)
    except TicketNotFound:
        return response.text("没有这张工单", status=404)
    except CorrectionRefused as refused:
        code = "same_intent" if refused.problem == "same_intent" else "not_correctable"
        return _back(number, code, position)
    except TicketStoreUnavailable:
        return _back(number, "db_down", position)
    logger.info("ticket %s: %s corrected %s at %s", number, me.username, kind, position)
    return _back(number, "corrected", position)


async def remove(request: Request, number: str) -> HTTPResponse:
    position, kind, _ = _fields(request)
    if position is None or kind not in CORRECTION_KINDS:
        return _back(number, "not_correctable")
    try:
        await asyncio.to_thread(teaching(request).corrections.remove, number, position, kind)
    except TicketNotFound:
        return response.text("没有这张工单", status=404)
    except TicketStoreUnavailable:
        return _back(number, "db_down", position)
    return _back(number, "correction_removed", position)


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
        return response.text("since 应为 YYYY-MM-DD", status=400)
    except TicketStoreUnavailable:
        return response.text("工单数据库暂时不可用，请稍后重试。", status=503)
    if kind == "nlu":
        logger.info("corrections exported by %s: %s examples", request.ctx.staff.username, exports.nlu.count)
    return _download(getattr(exports, kind).yaml, filename)


async def download_nlu(request: Request) -> HTTPResponse:
    return await _download_export(request, "nlu", "corrections_nlu.yml")


async def download_faq_drafts(request: Request) -> HTTPResponse:
    return await _download_export(request, "faq", "faq_drafts.yml")


def register(app: Sanic) -> None:
    app.ctx.teaching = Teaching.build(app.ctx.console)
    app.add_route(staff_required(correct), "/tickets/<number>/corrections", methods=["POST"],
                  name="ticket_correct")
    app.add_route(staff_required(remove), "/tickets/<number>/corrections/remove", methods=["POST"],
                  name="ticket_correction_remove")
    app.add_route(admin_required(download_nlu), "/admin/corrections/nlu.yml", methods=["GET"],
                  name="corrections_nlu")
    app.add_route(admin_required(download_faq_drafts), "/admin/corrections/faq-drafts.yml", methods=["GET"],
                  name="corrections_faq_drafts")
