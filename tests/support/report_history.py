"""A hand-built history for the report's unit tests (tests/unit/reports), counted by hand.

Period 2026-11-30 (Mon) to 2026-12-02 (Wed), Beijing time; service hours 9:00-18:00
on working days. Times below are Beijing time.

conversation  customer  day    channel  answered/rephrase  ticket             ratings
c1            a         11-30  webchat  4/1                -                  5 (bot)
c2            b         11-30  webchat  3/0                T1 opened in it    -
c3            b         12-01  webchat  1/0                T1 still open      4 (after T1, wang)
c4            c         12-01  wechat   2/2                T2 opened in it    -
c5            d         12-02  rest     1/0                T3 opened in it    2 then 1 for one request (li)
c6            e         12-02  rest     2/0                -                  3 (bot)
c7            f         11-29  webchat  (before)           -                  5 at 11-30 00:10: counts
c8            g         12-03  webchat  (after)            -                  -
T4            h         12-02 12:00, P2, waiting, nobody answered (due 16:00; now 17:00)
"""
from datetime import datetime, timedelta

from dateutil import tz

from bot.reports.history import Conversation, Rating, TicketFact
from bot.reports.period import Period
from bot.storage.corrections import CorrectionRecord
from bot.storage.models import NEW_FAQ_QUESTION

SH = tz.gettz("Asia/Shanghai")
AREAS = ("account_locked", "transfer_failed", "sms_code_delay", "billing_issue")


def at(day, hour, minute=0, second=0):
    month, date = (11, day) if day > 3 else (12, day)
    return datetime(2026, month, date, hour, minute, second, tzinfo=SH)


def conversation(sender, opened, channel, answered, rephrased, ratings=(), until=None, started=None):
    return Conversation(sender, opened, started or opened + timedelta(seconds=5), channel, answered, rephrased,
                        tuple(ratings), until)


CONVERSATIONS = [
    conversation("a", at(30, 10), "webchat", 4, 1, [Rating(at(30, 10, 5), 5, "webchat", False)]),
    conversation("b", at(30, 20), "webchat", 3, 0, until=at(1, 9, 59, 50)),
    conversation("b", at(1, 9, 59, 50), "webchat", 1, 0, [Rating(at(1, 10, 2), 4, "webchat", True)],
                 started=at(1, 10, 2)),
    conversation("c", at(1, 11), "wechat", 2, 2),
    conversation("d", at(2, 9), "rest", 1, 0, [Rating(at(2, 11, 4), 1, "rest", True)]),
    conversation("e", at(2, 23, 30), "rest", 2, 0, [Rating(at(2, 23, 35), 3, "rest", False)]),
    conversation("f", at(29, 23, 50), "webchat", 1, 0, [Rating(at(30, 0, 10), 5, "webchat", False)]),
    conversation("g", at(3, 0, 10), "webchat", 1, 0),
]
TICKETS = [
    TicketFact("T1", "b", "webchat", "resolved", "P2", "transfer_failed", "not_solved", at(30, 20, 5),
               at(1, 13), first_response_at=at(1, 9, 30), closed_at=at(1, 10), assigned_agent="wang"),
    TicketFact("T2", "c", "wechat", "cancelled", "P3", "nlu_fallback", "low_confidence", at(1, 11, 1),
               at(2, 11, 1), closed_at=at(1, 11, 10)),
    TicketFact("T3", "d", "rest", "resolved", "P1", "billing_issue", "complaint", at(2, 9, 1), at(2, 10, 1),
               first_response_at=at(2, 10, 31), closed_at=at(2, 11, 1), assigned_agent="li"),
    TicketFact("T4", "h", "webchat", "waiting", "P2", "account_locked", "customer_request", at(2, 12),
               at(2, 16)),
]


def correction(when, kind, predicted, corrected):
    return CorrectionRecord("T1", 0, kind, "…", predicted, corrected, "wang", when, None, None)


CORRECTIONS = [correction(at(1, 12), "intent", "billing_issue", "transfer_failed"),
               correction(at(2, 12), "intent", "billing_issue", "transfer_failed"),
               correction(at(2, 13), "intent", "general_question", NEW_FAQ_QUESTION),
               correction(at(2, 14), "answer", "general_question", None),
               correction(at(29, 12), "intent", "greet", "thank")]  # before the period
NOW = at(2, 17)
PERIOD = Period.of("2026-11-30", "2026-12-02", SH, NOW)
