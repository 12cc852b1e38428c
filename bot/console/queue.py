"""The queue page (``GET /``): open tickets in the order staff should take them,
with filters, the 全部待处理 / 未分配 / 我的工单 tabs, each ticket's SLA time on
the service-hours clock, and forms that post to ``/tickets/<number>/assign``.

What a row shows is worked out in bot.console.queue_rows; the page only lays it out.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import urlencode

from sanic import Blueprint, Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import current_staff, staff_required
from bot.console.context import Console
from bot.console.queue_rows import QueueRow, RowBuilder
from bot.console.rendering import render
from bot.storage.models import PRIORITIES, STATUSES
from bot.storage.staff import StaffMember
from bot.storage.ticket_queue import CHANNELS, ME, NONE, OTHER, QueueCounts, QueueFilter, QueuePage

logger = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class QueueView:
    page: QueuePage
    rows: List[QueueRow]
    counts: QueueCounts
    colleagues: List[StaffMember]


def read_queue(console: Console, queue_filter: QueueFilter, me: str, now: datetime) -> QueueView:
    """Everything the page shows, read in the calling thread (blocking)."""
    page = console.stores.queue.page(queue_filter)
    counts = console.stores.queue.counts(me)
    colleagues = console.stores.staff.active_agents()
    # everyone who ever owned a ticket, by their display name (also those no longer active)
    names = {member.username: member.display_name for member in console.stores.staff.list_staff()}
    return QueueView(page, [console.rows.row(t, now, names) for t in page.rows], counts, colleagues)


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


def _choices(builder: RowBuilder, queue: Mapping[str, str]) -> Dict[str, Sequence[Tuple[str, str]]]:
    """``queue``: the filters' own words (texts.yml ``console.queue``)."""
    label = builder.label
    return {
        "status": [("open", queue["open"]), *((s, label("statuses", s)) for s in STATUSES), ("all", queue["all"])],
        "priority": [(p, p) for p in PRIORITIES],
        "intent": [*((a, label("intents", a)) for a in builder.areas), (OTHER, builder.other_area)],
        "channel": [(c, label("channels", c)) for c in CHANNELS],
    }


@staff_required
async def queue_page(request: Request) -> HTTPResponse:
    """A database outage is answered by bot.console.errors."""
    console: Console = request.app.ctx.console
    staff = current_staff(request)
    assert staff is not None  # staff_required ran first
    wanted = searched(QueueFilter.from_query(request.args, console.rows.areas))
    view = await asyncio.to_thread(read_queue, console, wanted.for_user(staff.username), staff.username, _now())
    here = request.path + (f"?{request.query_string}" if request.query_string else "")
    flash_kind, flash = console.wording.notice(request.args.get("notice"))
    return render(request, "queue.html", flash=flash, flash_kind=flash_kind,
                  view=view, wanted=wanted, link=_link(wanted), tab=_tab(wanted),
                  choices=_choices(console.rows, console.wording.queue), here=here, me=staff,
                  alert_minutes=console.settings.unassigned_alert_minutes)


def register(app: Sanic) -> None:
    bp = Blueprint("queue")
    bp.add_route(queue_page, "/", methods=["GET"])
    app.blueprint(bp)
