"""Every figure of the report, computed from the history (`bot.reports.history`) and
the corrections, for one period. Pure: the dashboard, its charts and the CSV all
read the same `Report`, so they cannot disagree.

Conversations count on the day of the customer's first message; tickets on the day
they were opened (their responses and resolutions may come later); ratings and
corrections on the day they were given. Definitions of every figure, in the
words staff read, are in data/support/reports.yml.
"""
from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from bot.reports.history import Conversation, Rating, TicketFact
from bot.reports.period import Period
from bot.storage.corrections import CorrectionRecord

RATINGS = (1, 2, 3, 4, 5)
OTHER_AREA = "other"
NO_AGENT = "unassigned"
ALL = "all"

ServiceTime = Callable[[datetime, datetime], timedelta]


@dataclass(frozen=True)
class Durations:
    """Median and 90th percentile of some durations, in hours."""

    count: int
    median: Optional[float]
    p90: Optional[float]

    @classmethod
    def of(cls, hours: Sequence[float]) -> "Durations":
        return cls(len(hours), median(hours), p90(hours))


@dataclass(frozen=True)
class Csat:
    count: int
    average: Optional[float]
    distribution: Dict[int, int]  # rating -> how many

    @classmethod
    def of(cls, values: Sequence[int]) -> "Csat":
        counts = Counter(values)
        return cls(len(values), round(sum(values) / len(values), 2) if values else None,
                   {r: counts.get(r, 0) for r in RATINGS})


@dataclass(frozen=True)
class SlaCompliance:
    met: int
    missed: int
    not_counted: int  # no first response yet and not due, or closed before it was due without one

    @property
    def rate(self) -> Optional[float]:
        judged = self.met + self.missed
        return round(self.met / judged, 4) if judged else None


@dataclass(frozen=True)
class Day:
    day: date
    conversations: int
    contained: int


@dataclass(frozen=True)
class Report:
    period: Period
    conversations: int
    contained: int
    answered_turns: int
    rephrase_turns: int
    days: Tuple[Day, ...]
    handoffs: int
    cancelled: int
    by_reason: Dict[str, int]
    by_area: Dict[str, int]
    first_response_clock: Durations
    first_response_service: Durations
    resolution_clock: Durations
    resolution_service: Durations
    no_first_response: int
    sla: Dict[str, SlaCompliance]  # priority ->
    csat_by_channel: Dict[str, Csat]  # "all" first
    csat_by_agent: Dict[str, Csat]
    corrected_intents: Tuple[Tuple[str, str, int], ...]  # (predicted, corrected, count), most first
    answers_marked_wrong: Dict[str, int]  # the intent they answered -> count
    intent_corrections: int

    @property
    def containment(self) -> Optional[float]:
        return share(self.contained, self.conversations)

    @property
    def fallback_rate(self) -> Optional[float]:
        return share(self.rephrase_turns, self.answered_turns)


def share(part: int, whole: int) -> Optional[float]:
    return round(part / whole, 4) if whole else None


def median(values: Sequence[float]) -> Optional[float]:
    """The middle value (the mean of the two middle ones for an even count)."""
    return round(statistics.median(values), 4) if values else None


def p90(values: Sequence[float]) -> Optional[float]:
    """Nearest rank: the smallest value with at least 90 % of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[math.ceil(0.9 * len(ordered)) - 1], 4)


def hours(span: timedelta) -> float:
    return span.total_seconds() / 3600


def handed_over(conversation: Conversation, tickets: Sequence[TicketFact]) -> bool:
    """A ticket was opened in the conversation, or one was still open when it began
    (``tickets``: the customer's)."""
    for ticket in tickets:
        if ticket.sender_id != conversation.sender_id:
            continue
        opened_in = conversation.opened_at <= ticket.created_at and (
            conversation.until is None or ticket.created_at < conversation.until)
        still_open = ticket.created_at < conversation.opened_at and (
            ticket.closed_at is None or ticket.closed_at > conversation.opened_at)
        if opened_in or still_open:
            return True
    return False


def area(ticket: TicketFact, areas: Sequence[str]) -> str:
    return ticket.intent if ticket.intent is not None and ticket.intent in areas else OTHER_AREA


def sla_outcome(ticket: TicketFact, now: datetime) -> str:
    """met / missed / not_counted: was the first staff reply there by the SLA due time?"""
    if ticket.first_response_at is not None:
        return "met" if ticket.first_response_at <= ticket.sla_due_at else "missed"
    waited_until = ticket.closed_at or now
    return "missed" if waited_until > ticket.sla_due_at else "not_counted"


def _durations(tickets: Sequence[TicketFact], end: Callable[[TicketFact], Optional[datetime]],
               service_time: ServiceTime) -> Tuple[Durations, Durations]:
    spans = [(t.created_at, end(t)) for t in tickets if end(t) is not None]
    clock = [hours(stop - start) for start, stop in spans if stop is not None]
    service = [hours(service_time(start, stop)) for start, stop in spans if stop is not None]
    return Durations.of(clock), Durations.of(service)


def _agent_of(rating: Rating, tickets: Sequence[TicketFact]) -> str:
    """Who resolved the ticket the rating was asked for: the customer's latest ticket resolved before it."""
    resolved = [t for t in tickets if t.status == "resolved" and t.closed_at is not None and t.closed_at <= rating.at]
    if not resolved:
        return NO_AGENT
    return str(max(resolved, key=lambda t: t.closed_at or t.created_at).assigned_agent or NO_AGENT)


def build_report(period: Period, conversations: Sequence[Conversation], tickets: Sequence[TicketFact],
                 corrections: Sequence[CorrectionRecord], service_time: ServiceTime, now: datetime,
                 areas: Sequence[str]) -> Report:
    """``tickets``: every ticket of the conversations' senders and every ticket opened in the
    period; ``service_time``: `bot.handoff.sla.SlaClock.service_time_between`; ``areas``:
    the problem intents (data/support/diagnostics.yml)."""
    by_sender: Dict[str, List[TicketFact]] = {}
    for ticket in tickets:
        by_sender.setdefault(ticket.sender_id, []).append(ticket)
    counted = [c for c in conversations if period.contains(c.started_at)]
    contained = [c for c in counted if not handed_over(c, by_sender.get(c.sender_id, []))]
    per_day = Counter(period.day_of(c.started_at) for c in counted)
    contained_per_day = Counter(period.day_of(c.started_at) for c in contained)
    days = tuple(Day(d, per_day.get(d, 0), contained_per_day.get(d, 0)) for d in period.days())

    opened = [t for t in tickets if period.contains(t.created_at)]
    first_clock, first_service = _durations(opened, lambda t: t.first_response_at, service_time)
    resolved = [t for t in opened if t.status == "resolved"]
    resolution_clock, resolution_service = _durations(resolved, lambda t: t.closed_at, service_time)
    sla: Dict[str, SlaCompliance] = {}
    for priority in sorted({t.priority for t in opened}):
        outcomes = Counter(sla_outcome(t, now) for t in opened if t.priority == priority)
        sla[priority] = SlaCompliance(outcomes["met"], outcomes["missed"], outcomes["not_counted"])

    ratings = [(c.sender_id, r) for c in conversations for r in c.ratings if period.contains(r.at)]
    by_channel: Dict[str, List[int]] = {ALL: [r.value for _, r in ratings]}
    by_agent: Dict[str, List[int]] = {}
    for sender_id, rating in ratings:
        by_channel.setdefault(rating.channel, []).append(rating.value)
        if rating.after_handoff:
            by_agent.setdefault(_agent_of(rating, by_sender.get(sender_id, [])), []).append(rating.value)

    made = [c for c in corrections if period.contains(c.created_at)]
    pairs = Counter((c.predicted_intent or "", c.corrected_intent or "") for c in made if c.kind == "intent")
    answers = Counter(c.predicted_intent or "" for c in made if c.kind == "answer")
    return Report(
        period=period, conversations=len(counted), contained=len(contained),
        answered_turns=sum(c.answered_turns for c in counted), rephrase_turns=sum(c.rephrase_turns for c in counted),
        days=days, handoffs=len(opened), cancelled=sum(1 for t in opened if t.status == "cancelled"),
        by_reason=dict(Counter(t.reason for t in opened).most_common()),
        by_area=dict(Counter(area(t, areas) for t in opened).most_common()),
        first_response_clock=first_clock, first_response_service=first_service,
        resolution_clock=resolution_clock, resolution_service=resolution_service,
        no_first_response=sum(1 for t in opened if t.first_response_at is None), sla=sla,
        csat_by_channel={name: Csat.of(values) for name, values in by_channel.items()},
        csat_by_agent={name: Csat.of(values) for name, values in sorted(by_agent.items())},
        corrected_intents=tuple((p, c, n) for (p, c), n in sorted(pairs.items(), key=lambda i: (-i[1], i[0]))),
        answers_marked_wrong=dict(sorted(answers.items(), key=lambda i: (-i[1], i[0]))),
        intent_corrections=sum(pairs.values()),
    )
