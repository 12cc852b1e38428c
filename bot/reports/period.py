"""Which days a report covers: whole days in the service hours' time zone
(data/support/service_hours.yml, Asia/Shanghai), first and last day included;
by default the last 7 days up to today."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Iterator, Optional

from dateutil import tz

DEFAULT_DAYS = 7
MAX_DAYS = 366


class BadPeriod(ValueError):
    """Dates that cannot make a report period (unreadable, reversed, too long)."""


def zone(name: str) -> tzinfo:
    found = tz.gettz(name)
    if found is None:
        raise BadPeriod(f"unknown time zone {name!r}")
    return found


def parse_day(raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise BadPeriod(f"not a date (YYYY-MM-DD): {raw!r}") from None


def start_of(day: date, where: tzinfo) -> datetime:
    """Midnight at the start of ``day`` in ``where``."""
    return datetime.combine(day, time(0), where)


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # included
    zone: tzinfo

    @classmethod
    def of(cls, first: Optional[str], last: Optional[str], where: tzinfo, now: datetime) -> "Period":
        """From the page's ``from`` / ``to`` (either may be missing or empty)."""
        today = now.astimezone(where).date()
        end = parse_day(last) if last else today
        start = parse_day(first) if first else end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise BadPeriod("the first day comes after the last")
        if (end - start).days >= MAX_DAYS:
            raise BadPeriod(f"at most {MAX_DAYS} days")
        return cls(start, end, where)

    @property
    def start(self) -> datetime:
        return start_of(self.first, self.zone)

    @property
    def end(self) -> datetime:
        """The moment after the period (midnight after the last day)."""
        return start_of(self.last + timedelta(days=1), self.zone)

    def day_of(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def days(self) -> Iterator[date]:
        day = self.first
        while day <= self.last:
            yield day
            day += timedelta(days=1)
