"""The queue page (``GET /``): open tickets in the order staff should take them,
with filters, the 全部待处理 / 未分配 / 我的工单 tabs, each ticket's SLA time on
the service-hours clock, and forms that post to ``/tickets/<number>/assign``.

What a row shows is worked out here (`QueueRow`); the page only lays it out.
"""
from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple
from urllib.parse import urlencode

from sanic import Blueprint, Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import current_staff, forbidden, staff_required
from bot.console.context import Console
from bot.console.notices import notice
from bot.console.rendering import render
from bot.diagnostics.spec import DiagnosticsSpec
from bot.handoff.sla import SlaClock
from bot.storage.models import CLOSED_STATUSES, PRIORITIES, STATUSES, Ticket
from bot.storage.staff import StaffMember
from bot.storage.ticket_queue import CHANNELS, ME, NONE, OTHER, QueueCounts, QueueFilter, QueuePage, TicketQueue
from bot.storage.unit_of_work import StoreUnavailable

logger = logging.getLogger(__name__)

OTHER_AREA = "其他"
PROBLEM_SUMMARY = "problem_summary"  # the diagnostics key actions/handoff.py writes it under
SUMMARY_CHARS = 60
UNAVAILABLE = "工单数据库暂时连不上，请稍后刷新本页。"


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class SlaState:
    """Time left until the first-response target (``overdue``: how long past it), in
    whole minutes of the clock the priority is measured on."""

    minutes: int
    overdue: bool
    due_at: datetime


@dataclass(frozen=True)
class QueueRow:
    number: str
    priority: str
    area: str            # 问题类型, in Chinese (其他 outside the problem areas)
    reason: str          # 转人工原因, in Chinese where texts.yml names it
    summary: str         # the customer's own words from the diagnostics (masked), shortened
    channel: str
    status: str          # the code (waiting, assigned ...)
    status_label: str
    assignee: Optional[str]           # username
    assignee_name: Optional[str]      # display name
    created_at: datetime
    sla: Optional[SlaState]           # None for closed tickets
    unclaimed_minutes: Optional[int]  # waiting with nobody on it for longer than the alert
    phone: Optional[str]              # "****1234": never more than the last 4 digits
    is_open: bool


def sla_state(clock: SlaClock, ticket: Ticket, now: datetime) -> Optional[SlaState]:
    if ticket.status in CLOSED_STATUSES:
        return None
    left = clock.time_left(ticket.priority, ticket.sla_due_at, now)
    overdue = now >= ticket.sla_due_at
    seconds = abs(left.total_seconds()) if overdue else max(left.total_seconds(), 0)
    return SlaState(math.floor(seconds / 60), overdue, ticket.sla_due_at)


def unclaimed_minutes(ticket: Ticket, now: datetime, alert_minutes: int) -> Optional[int]:
    """Minutes since the handoff, for a waiting ticket nobody took within ``alert_minutes``."""
    if ticket.status != "waiting" or ticket.assigned_agent:
        return None
    waited = math.floor((now - ticket.created_at) / timedelta(minutes=1))
    return waited if waited > alert_minutes else None


class RowBuilder:
    """Builds `QueueRow`s with the console's wording, problem areas and SLA clock."""

    def __init__(self, console: Console, spec: DiagnosticsSpec) -> None:
        self._console = console
        self.areas: Tuple[str, ...] = tuple(dict.fromkeys(spec.forms.values()))
        # The customer's own words: the one-line summary asked before a bare 转人工, then the
        # diagnostics answers kept as typed (never the phone, never the device's metadata).
        self._words = (PROBLEM_SUMMARY, *(name for name, slot in spec.slots.items()
                                          if slot.kind in ("text", "id") and not slot.from_metadata))
        self._skipped = spec.skipped_value

    def label(self, kind: str, key: Optional[str]) -> str:
        return self._console.label(kind, key)

    def area(self, intent: Optional[str]) -> str:
        return self.label("intents", intent) if intent in self.areas else OTHER_AREA

    def summary(self, diagnostics: Any) -> str:
        if not isinstance(diagnostics, dict):
            return ""
        words = [str(diagnostics[name]).strip() for name in self._words
                 if diagnostics.get(name) not in (None, "", self._skipped)]
        text = " · ".join(w for w in words if w)
        return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"

    def row(self, ticket: Ticket, now: datetime, names: Dict[str, str]) -> QueueRow:
        settings = self._console.settings
        last4 = ticket.phone_last4 or ""
        return QueueRow(
            number=ticket.number, priority=ticket.priority, area=self.area(ticket.intent),
            reason=self.label("reasons", ticket.handoff_reason), summary=self.summary(ticket.diagnostics),
            channel=self.label("channels", ticket.channel), status=ticket.status,
            status_label=self.label("statuses", ticket.status),
            assignee=ticket.assigned_agent, assignee_name=names.get(ticket.assigned_agent or ""),
            created_at=ticket.created_at, sla=sla_state(self._console.sla_clock, ticket, now),
            unclaimed_minutes=unclaimed_minutes(ticket, now, settings.unassigned_alert_minutes),
            phone=f"****{last4}" if len(last4) == 4 and last4.isdigit() else None,
            is_open=ticket.status not in CLOSED_STATUSES,
        )


@dataclass(frozen=True)
class QueueSetup:
    """Built once per app (``app.ctx.queue``)."""

    queue: TicketQueue
    rows: RowBuilder


@dataclass(frozen=True)
class QueueView:
    page: QueuePage
    rows: List[QueueRow]
    counts: QueueCounts
    colleagues: List[StaffMember]


def read_queue(setup: QueueSetup, console: Console, queue_filter: QueueFilter, me: str,
               now: datetime) -> QueueView:
    """Everything the page shows, read in the calling thread (blocking)."""
    page = setup.queue.page(queue_filter)
    counts = setup.queue.counts(me)
    colleagues = console.stores.staff.active_agents()
    # everyone who ever owned a ticket, by their display name (also those no longer active)
    names = {member.username: member.display_name for member in console.stores.staff.list_staff()}
    return QueueView(page, [setup.rows.row(t, now, names) for t in page.rows], counts, colleagues)


def _link(wanted: QueueFilter) -> Callable[..., str]:
    def link(**changes: Any) -> str:
        args = wanted.query_args(**changes)
        return "/?" + urlencode(args) if args else "/"

    return link


def _tab(wanted: QueueFilter) -> Optional[str]:
    """Which tab the page is, when only the tab's own filter is set."""
    for name, assignee in (("all", None), ("none", NONE), ("me", ME)):
        if wanted.query_args(page=1) == QueueFilter(assignee=assignee).query_args():
            return name
    return None


def searched(wanted: QueueFilter) -> QueueFilter:
    """A search looks through every ticket, closed ones too, unless one status was picked:
    the queue alone shows open tickets, and the filter form always sends its first
    choice (全部待处理, ``open``) with the search box."""
    if wanted.search and wanted.status == "open":
        return replace(wanted, status="all")
    return wanted


def _choices(builder: RowBuilder) -> Dict[str, Sequence[Tuple[str, str]]]:
    label = builder.label
    return {
        "status": [("open", "全部待处理"), *((s, label("statuses", s)) for s in STATUSES), ("all", "全部（含已关闭）")],
        "priority": [(p, p) for p in PRIORITIES],
        "intent": [*((a, label("intents", a)) for a in builder.areas), (OTHER, OTHER_AREA)],
        "channel": [(c, label("channels", c)) for c in CHANNELS],
    }


@staff_required
async def queue_page(request: Request) -> HTTPResponse:
    console: Console = request.app.ctx.console
    setup: QueueSetup = request.app.ctx.queue
    staff = current_staff(request)
    assert staff is not None  # staff_required ran first
    wanted = searched(QueueFilter.from_query(request.args, setup.rows.areas))
    try:
        view = await asyncio.to_thread(read_queue, setup, console, wanted.for_user(staff.username),
                                       staff.username, _now())
    except StoreUnavailable as error:
        logger.error("console queue: the database is unavailable: %s", error)
        return forbidden(request, UNAVAILABLE, status=503)
    here = request.path + (f"?{request.query_string}" if request.query_string else "")
    flash_kind, flash = notice(request.args.get("notice"))
    return render(request, "queue.html", flash=flash, flash_kind=flash_kind,
                  view=view, wanted=wanted, link=_link(wanted), tab=_tab(wanted),
                  choices=_choices(setup.rows), here=here, me=staff,
                  alert_minutes=console.settings.unassigned_alert_minutes)


def register(app: Sanic) -> None:
    console: Console = app.ctx.console
    spec = DiagnosticsSpec.load(console.settings.support_dir)
    app.ctx.queue = QueueSetup(console.stores.queue, RowBuilder(console, spec))
    bp = Blueprint("queue")
    bp.add_route(queue_page, "/", methods=["GET"])
    app.blueprint(bp)
