"""One row of the queue as staff read it (`QueueRow`), worked out from a ticket with the
console's names, problem areas and SLA clock: the queue page and the JSON API's filters
read the same `RowBuilder`."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, Optional, Tuple

from bot.diagnostics.spec import DiagnosticsSpec
from bot.handoff.sla import SlaClock
from bot.names import Names
from bot.storage.models import CLOSED_STATUSES, Ticket

PROBLEM_SUMMARY = "problem_summary"  # the diagnostics key actions/handoff.py writes it under
SUMMARY_CHARS = 60

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

    def __init__(self, spec: DiagnosticsSpec, names: Names, clock: SlaClock, alert_minutes: int,
                 other_area: str) -> None:
        """``other_area``: how a ticket outside the problem areas reads (其他)."""
        self._names = names
        self.other_area = other_area
        self._clock = clock
        self._alert_minutes = alert_minutes
        self.areas: Tuple[str, ...] = tuple(dict.fromkeys(spec.forms.values()))
        # The customer's own words: the one-line summary asked before a bare 转人工, then the
        # diagnostics answers kept as typed (never the phone, never the device's metadata).
        self._words = (PROBLEM_SUMMARY, *(name for name, slot in spec.slots.items()
                                          if slot.kind in ("text", "id") and not slot.from_metadata))
        self._skipped = spec.skipped_value

    def label(self, kind: str, key: Optional[str]) -> str:
        return self._names.label(kind, key)

    def area(self, intent: Optional[str]) -> str:
        return self.label("intents", intent) if intent in self.areas else self.other_area

    def summary(self, diagnostics: Any) -> str:
        if not isinstance(diagnostics, dict):
            return ""
        words = [str(diagnostics[name]).strip() for name in self._words
                 if diagnostics.get(name) not in (None, "", self._skipped)]
        text = " · ".join(w for w in words if w)
        return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"

    def row(self, ticket: Ticket, now: datetime, names: Dict[str, str]) -> QueueRow:
        last4 = ticket.phone_last4 or ""
        return QueueRow(
            number=ticket.number, priority=ticket.priority, area=self.area(ticket.intent),
            reason=self.label("reasons", ticket.handoff_reason), summary=self.summary(ticket.diagnostics),
            channel=self.label("channels", ticket.channel), status=ticket.status,
            status_label=self.label("statuses", ticket.status),
            assignee=ticket.assigned_agent, assignee_name=names.get(ticket.assigned_agent or ""),
            created_at=ticket.created_at, sla=sla_state(self._clock, ticket, now),
            unclaimed_minutes=unclaimed_minutes(ticket, now, self._alert_minutes),
            phone=f"****{last4}" if len(last4) == 4 and last4.isdigit() else None,
            is_open=ticket.status not in CLOSED_STATUSES,
        )
