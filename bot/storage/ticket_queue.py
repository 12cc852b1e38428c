"""The staff console's ticket queue: which tickets a filter selects, in the order
staff should take them (P1 first, then the earliest SLA due time, then the oldest),
one page at a time, plus the counts shown on the queue's tabs.

`QueueFilter.from_query` reads the page's query string and never fails: a value
it does not know is dropped, a page number out of range is clamped.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from dateutil import tz
from sqlalchemy import and_, case, func, not_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.storage.models import OPEN_STATUSES, PRIORITIES, STATUSES, Ticket
from bot.storage.staff import USERNAME
from bot.storage.ticket_search import MAX_SEARCH, matching, search_kind
from bot.storage.tickets import TicketStoreUnavailable
from bot.storage.unit_of_work import Store, transaction

ZONE = "Asia/Shanghai"  # the dates staff filter by are Shanghai dates
CHANNELS = ("webchat", "wechat", "rest")
# status=...: "open" (the default) is waiting + assigned; "all" is every status.
STATUS_CHOICES: Dict[str, Tuple[str, ...]] = {
    "open": OPEN_STATUSES, "all": STATUSES, **{status: (status,) for status in STATUSES}}
NONE = "none"    # assignee=none: nobody owns the ticket
ME = "me"        # assignee=me: the signed-in staff member (`QueueFilter.for_user`)
OTHER = "other"  # intent=other: any ticket outside the problem areas, or without an intent
MAX_PER_PAGE = 100
FIRST_YEAR, LAST_YEAR = 2000, 2999


def _first(args: Mapping[str, Any], key: str) -> str:
    """The first value of ``key`` (Sanic's ``request.args`` holds lists), stripped."""
    value = args.get(key)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    return value.strip() if isinstance(value, str) else ""


def _choice(value: str, allowed: Sequence[str]) -> Optional[str]:
    return value if value in allowed else None


def _whole(value: str, default: int, lowest: int, highest: int) -> int:
    try:
        number = int(value)
    except ValueError:
        return default
    return min(max(number, lowest), highest)


def _day(value: str) -> Optional[date]:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None  # no overflow at date.max


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows; every field but ``page`` is kept in the page's links."""

    status: str = "open"                 # a key of STATUS_CHOICES
    priority: Optional[str] = None       # P1 / P2 / P3
    intent: Optional[str] = None         # a problem area, or OTHER
    channel: Optional[str] = None
    assignee: Optional[str] = None       # a username, NONE or ME
    created_from: Optional[date] = None  # Shanghai dates, both ends included
    created_to: Optional[date] = None
    search: str = ""                     # bot.storage.ticket_search: a number, a phone's tail, words
    page: int = 1
    per_page: int = 25
    areas: Tuple[str, ...] = field(default=(), compare=False)  # the problem areas OTHER excludes

    @classmethod
    def from_query(cls, args: Mapping[str, Any], areas: Sequence[str] = ()) -> "QueueFilter":
        """Read a query string; unknown values are ignored, numbers clamped.
        ``areas``: the problem intents (data/support/diagnostics.yml)."""
        assignee = _first(args, "assignee")
        if assignee not in (NONE, ME) and not USERNAME.fullmatch(assignee):
            assignee = ""
        created_from, created_to = _day(_first(args, "from")), _day(_first(args, "to"))
        if created_from and created_to and created_from > created_to:
            created_from, created_to = created_to, created_from
        return cls(
            status=_choice(_first(args, "status"), tuple(STATUS_CHOICES)) or "open",
            priority=_choice(_first(args, "priority"), PRIORITIES),
            intent=_choice(_first(args, "intent"), (*areas, OTHER)),
            channel=_choice(_first(args, "channel"), CHANNELS),
            assignee=assignee or None,
            created_from=created_from, created_to=created_to,
            search=_first(args, "q")[:MAX_SEARCH],
            page=_whole(_first(args, "page"), 1, 1, 1_000_000),
            per_page=_whole(_first(args, "per_page"), 25, 1, MAX_PER_PAGE),
            areas=tuple(areas),
        )

    def for_user(self, username: str) -> "QueueFilter":
        """``assignee=me`` made concrete for the signed-in staff member."""
        return replace(self, assignee=username) if self.assignee == ME else self

    @property
    def statuses(self) -> Tuple[str, ...]:
        return STATUS_CHOICES.get(self.status, OPEN_STATUSES)

    @property
    def search_kind(self) -> Optional[str]:
        """"phone", "number", "text", "invalid", or None (`bot.storage.ticket_search.search_kind`)."""
        return search_kind(self.search)

    def query_args(self, **changes: Any) -> Dict[str, str]:
        """The query string of this filter (for links), defaults left out; ``changes``
        override fields (``page=3``) before it is written."""
        values = replace(self, **changes) if changes else self
        pairs = {
            "status": "" if values.status == "open" else values.status,
            "priority": values.priority or "", "intent": values.intent or "",
            "channel": values.channel or "", "assignee": values.assignee or "",
            "from": values.created_from.isoformat() if values.created_from else "",
            "to": values.created_to.isoformat() if values.created_to else "",
            "q": values.search, "page": "" if values.page == 1 else str(values.page),
            "per_page": "" if values.per_page == 25 else str(values.per_page),
        }
        return {key: value for key, value in pairs.items() if value}


@dataclass(frozen=True)
class QueuePage:
    rows: List[Ticket]
    total: int
    page: int   # clamped: never past the last page
    pages: int  # at least 1, also for an empty queue
    per_page: int


@dataclass(frozen=True)
class QueueCounts:
    """The tabs: open tickets waiting, assigned, owned by nobody, owned by the viewer."""

    waiting: int
    assigned: int
    unassigned: int
    mine: int

    @property
    def open(self) -> int:
        return self.waiting + self.assigned


def _shanghai_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tz.gettz(ZONE))


def conditions(queue_filter: QueueFilter) -> List[ColumnElement]:
    """The WHERE clauses of ``queue_filter`` (``assignee`` must not be ME any more)."""
    f = queue_filter
    where: List[ColumnElement] = [Ticket.status.in_(f.statuses)]
    if f.priority:
        where.append(Ticket.priority == f.priority)
    if f.intent == OTHER:
        where.append(or_(Ticket.intent.is_(None), not_(Ticket.intent.in_(f.areas))) if f.areas
                     else Ticket.intent.is_(None))
    elif f.intent:
        where.append(Ticket.intent == f.intent)
    if f.channel:
        where.append(Ticket.channel == f.channel)
    if f.assignee == NONE:
        where.append(Ticket.assigned_agent.is_(None))
    elif f.assignee == ME:
        raise ValueError("assignee=me: call QueueFilter.for_user(username) first")
    elif f.assignee:
        where.append(Ticket.assigned_agent == f.assignee)
    if f.created_from:
        where.append(Ticket.created_at >= _shanghai_midnight(f.created_from))
    if f.created_to:
        where.append(Ticket.created_at < _shanghai_midnight(f.created_to + timedelta(days=1)))
    if f.search.strip():
        where.append(matching(f.search))
    return where


PRIORITY_RANK = case({p: rank for rank, p in enumerate(PRIORITIES)}, value=Ticket.priority,
                     else_=len(PRIORITIES))
QUEUE_ORDER = (PRIORITY_RANK, Ticket.sla_due_at.asc(), Ticket.created_at.asc(), Ticket.id.asc())


class TicketQueue(Store):
    unavailable = TicketStoreUnavailable

    @transaction
    def page(self, session: Session, queue_filter: QueueFilter) -> QueuePage:
        """The tickets of one page of ``queue_filter``, in queue order."""
        where = conditions(queue_filter)
        per_page = queue_filter.per_page
        total = session.execute(select(func.count()).select_from(Ticket).where(and_(*where))).scalar_one()
        pages = max(1, math.ceil(total / per_page))
        page = min(queue_filter.page, pages)
        rows = session.execute(select(Ticket).where(and_(*where)).order_by(*QUEUE_ORDER)
                               .offset((page - 1) * per_page).limit(per_page)).scalars().all()
        return QueuePage(list(rows), total, page, pages, per_page)

    @transaction
    def counts(self, session: Session, username: Optional[str] = None) -> QueueCounts:
        """Open tickets by tab; ``mine``: those ``username`` owns (0 without one)."""
        open_ = Ticket.status.in_(OPEN_STATUSES)
        waiting, assigned, unassigned, mine = session.execute(select(
            func.count().filter(Ticket.status == "waiting"),
            func.count().filter(Ticket.status == "assigned"),
            func.count().filter(Ticket.assigned_agent.is_(None)),
            func.count().filter(Ticket.assigned_agent == (username or "")),
        ).select_from(Ticket).where(open_)).one()
        return QueueCounts(waiting, assigned, unassigned, mine if username else 0)
