"""The support lead's dashboard: ``GET /reports`` (figures, charts, definitions) and
``GET /reports.csv`` (the same figures, one per line), for ``?from=&to=`` (days,
default the last 7), staff only. Everything is computed by `bot.reports`.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone, tzinfo
from typing import Any, Dict, Optional, Tuple

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import staff_required
from bot.console.context import Console
from bot.console.rendering import render
from bot.console.reporting import Reporting
from bot.reports.dashboard import dashboard_charts
from bot.reports.figures import Report, build_report
from bot.reports.period import BadPeriod, Period
from bot.reports.sources import ReportDataUnavailable
from bot.reports.table import PAIR, GroupLabel, Wording, rows, tables, to_csv
from bot.storage.models import NEW_FAQ_QUESTION

logger = logging.getLogger(__name__)

# The dashboard's first row: a figure's key -> its label's name (texts.yml ``console.dashboard``).
HEADLINE = (
    ("conversations/conversations/", "conversations"),
    ("conversations/containment/", "containment"),
    ("conversations/fallback_rate/", "fallback_rate"),
    ("handoffs/handoffs/", "handoffs"),
    ("csat_by_channel/average/all", "csat"),
    ("sla/compliance/all", "sla"),
)


def _console(request: Request) -> Console:
    console: Console = request.app.ctx.console
    return console


def _reporting(request: Request) -> Reporting:
    reporting: Reporting = request.app.ctx.console.reporting
    return reporting


def group_label(console: Console, wording: Wording, names: Dict[str, str]) -> GroupLabel:
    """How a row's group reads: a reason, a problem area, a channel, a colleague ..."""
    def intent(name: str) -> str:
        return wording.groups["new_faq"] if name == NEW_FAQ_QUESTION else console.label("intents", name)

    def label(section: str, group: str) -> str:
        if group in wording.groups:
            return wording.groups[group]
        if section == "handoffs_by_reason":
            return console.label("reasons", group)
        if section in ("handoffs_by_area", "wrong_answers"):
            return intent(group)
        if section == "csat_by_channel":
            return console.label("channels", group)
        if section == "csat_by_agent":
            return names.get(group, group)
        if section == "corrected_intents" and PAIR in group:
            predicted, corrected = group.split(PAIR, 1)
            return f"{intent(predicted)} → {intent(corrected)}"
        return group

    return label


def _period(request: Request, where: tzinfo, now: datetime) -> Tuple[Period, Optional[str]]:
    try:
        return Period.of(request.args.get("from"), request.args.get("to"), where, now), None
    except BadPeriod:
        return Period.of(None, None, where, now), _console(request).wording.dashboard.bad_dates


async def _report(request: Request, period: Period, now: datetime) -> Report:
    """Read and computed in a worker thread: a busy week is many events to go through."""
    console, reporting = request.app.ctx.console, _reporting(request)

    def work() -> Report:
        history = reporting.sources.history(period)
        return build_report(period, history.conversations, history.tickets, history.corrections,
                            console.sla_clock.service_time_between, now, reporting.areas)

    return await asyncio.to_thread(work)


async def _names(request: Request) -> Dict[str, str]:
    staff = await asyncio.to_thread(request.app.ctx.console.stores.staff.list_staff)
    return {m.username: m.display_name for m in staff}


async def reports_page(request: Request) -> HTTPResponse:
    now = datetime.now(timezone.utc)
    reporting = _reporting(request)
    period, problem = _period(request, reporting.zone, now)
    try:
        report = await _report(request, period, now)
        names = await _names(request)
    except ReportDataUnavailable as error:
        logger.warning("reports: %s", error)
        unavailable = _console(request).wording.dashboard.unavailable
        return render(request, "reports.html", status=503, period=period, flash=unavailable, flash_kind="error",
                      unavailable=True)
    label = group_label(request.app.ctx.console, reporting.wording, names)
    labels = _console(request).wording.dashboard.headline
    laid_out = tables(rows(report), reporting.wording, label)
    cells: Dict[str, Any] = {c.key: c for t in laid_out for _, line in t.lines for c in line if c is not None}
    query = f"from={period.first.isoformat()}&to={period.last.isoformat()}"
    return render(request, "reports.html", period=period, flash=problem, flash_kind="error", unavailable=False,
                  tables=laid_out, charts=dashboard_charts(report, label),
                  cells=cells, headline=[(key, labels[name]) for key, name in HEADLINE], query=query,
                  generated=now)


async def reports_csv(request: Request) -> HTTPResponse:
    now = datetime.now(timezone.utc)
    reporting = _reporting(request)
    period, problem = _period(request, reporting.zone, now)
    if problem:
        return response.text(problem, status=400)
    try:
        report = await _report(request, period, now)
        names = await _names(request)
    except ReportDataUnavailable as error:
        logger.warning("reports.csv: %s", error)
        return response.text(_console(request).wording.dashboard.unavailable, status=503)
    body = to_csv(rows(report), reporting.wording, group_label(request.app.ctx.console, reporting.wording, names))
    filename = f"report-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    return response.raw(body.encode("utf-8"), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def register(app: Sanic) -> None:
    app.add_route(staff_required(reports_page), "/reports", methods=["GET"], name="reports_page")
    app.add_route(staff_required(reports_csv), "/reports.csv", methods=["GET"], name="reports_csv")
