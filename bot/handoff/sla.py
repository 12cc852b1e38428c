"""When staff will first answer a ticket, from service hours and per-priority targets.

Working days follow the Chinese calendar (public holidays off, make-up
workdays on) via `chinese-calendar`; years it has no data for fall back to
Monday-Friday.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Dict

import chinese_calendar
import yaml
from dateutil import tz

from bot.texts import Replies

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    hours: float
    clock: str  # calendar | business | calendar_then_business


@dataclass(frozen=True)
class ServiceHours:
    timezone: str
    opens: time
    closes: time
    targets: Dict[str, Target]

    @classmethod
    def load(cls, path: Path) -> "ServiceHours":
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(
            timezone=raw["timezone"],
            opens=time.fromisoformat(raw["opens"]),
            closes=time.fromisoformat(raw["closes"]),
            targets={p: Target(float(t["hours"]), t["clock"]) for p, t in raw["targets"].items()},
        )


def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        logger.warning("no Chinese calendar data for %s; using Monday-Friday", day.year)
        return day.weekday() < 5


class SlaClock:
    """``wording``: the ``due_times`` section of data/support/texts.yml."""

    def __init__(self, hours: ServiceHours, wording: Replies) -> None:
        self._hours = hours
        self._wording = wording
        self._zone = tz.gettz(hours.timezone)

    def _next_open_moment(self, moment: datetime) -> datetime:
        """``moment`` if staff are working then, else the next opening time."""
        local = moment.astimezone(self._zone)
        day = local.date()
        if is_workday(day) and self._hours.opens <= local.time() < self._hours.closes:
            return local
        if is_workday(day) and local.time() < self._hours.opens:
            return datetime.combine(day, self._hours.opens, self._zone)
        day += timedelta(days=1)
        while not is_workday(day):
            day += timedelta(days=1)
        return datetime.combine(day, self._hours.opens, self._zone)

    def _add_business_hours(self, start: datetime, hours: float) -> datetime:
        remaining = timedelta(hours=hours)
        current = self._next_open_moment(start)
        while True:
            closing = datetime.combine(current.date(), self._hours.closes, self._zone)
            if current + remaining <= closing:
                return current + remaining
            remaining -= closing - current
            current = self._next_open_moment(closing)

    def describe(self, due: datetime, now: datetime) -> str:
        """When to expect an answer, as a customer reads it: 今天 14:00 / 明天 11:00 / 11月24日 11:00."""
        local_due, local_now = due.astimezone(self._zone), now.astimezone(self._zone)
        days = (local_due.date() - local_now.date()).days
        clock = f"{local_due:%H:%M}"
        name = {0: "today", 1: "tomorrow"}.get(days, "later")
        return self._wording.render(name, time=clock, month=local_due.month, day=local_due.day)

    def due(self, priority: str, created: datetime) -> datetime:
        target = self._hours.targets[priority]
        if target.clock == "calendar":
            return (created + timedelta(hours=target.hours)).astimezone(self._zone)
        if target.clock == "business":
            return self._add_business_hours(created, target.hours)
        return self._next_open_moment(created + timedelta(hours=target.hours))


    def service_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Staffed time from ``start`` to ``end``: the part of it within service hours on
        working days. Negative when ``end`` comes first (``-service_time_between(end, start)``)."""
        if end < start:
            return -self.service_time_between(end, start)
        local_start, local_end = start.astimezone(self._zone), end.astimezone(self._zone)
        total = timedelta()
        day = local_start.date()
        while day <= local_end.date():
            if is_workday(day):
                opens = datetime.combine(day, self._hours.opens, self._zone)
                closes = datetime.combine(day, self._hours.closes, self._zone)
                overlap = min(closes, local_end) - max(opens, local_start)
                if overlap > timedelta():
                    total += overlap
            day += timedelta(days=1)
        return total

    def time_left(self, priority: str, due: datetime, now: datetime) -> timedelta:
        """Until ``due`` (negative: overdue by that much), on the clock staff work to for
        ``priority``: calendar time where its target runs around the clock (P1), service
        hours otherwise (an evening or a holiday does not count down)."""
        target = self._hours.targets.get(priority)
        if target is not None and target.clock == "calendar":
            return due - now
        return self.service_time_between(now, due)
