"""What a complaint is about: a problem the customer still has, or the service.

"我要投诉 转的钱没到 也没人管" is a transfer that failed, told angrily: it goes
to a person with the area and priority of a failed transfer (the complaint
raises it one level, data/support/priorities.yml). "客服态度太差" is about
us: the feedback channel's answer, and a person offered. A bare "我要投诉"
says neither and goes to a person, as it always did; "垃圾app" asks for nothing
(no complaint word): an apology, and what happened, with a person one click away.

The area comes from the NLU's own ranking (the complaint examples tell of
problems, so a problem area is usually the runner-up) and, failing that, from
the words the customer used about money.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Sequence, Tuple

import yaml

from bot.urgency import normalize

PROBLEM_INTENTS = ("transfer_failed", "billing_issue", "account_locked", "sms_code_delay")

# Complaint.about
PROBLEM = "problem"          # a problem (money lost or taken, a locked account): hand off with its area
SERVICE = "service"          # about our service or staff: the feedback answer, a person offered
UNSPECIFIED = "unspecified"  # "我要投诉" alone: hand off
VENTING = "venting"          # "垃圾app", "算了 真麻烦": anger asking for nothing; sorry, and what happened?
# "你们这破app又登不上了": anger that names a problem (not money): sorry, and that problem's answer.
VENTING_PROBLEM = "venting_problem"
# "你问这个干嘛 是不是想骗我" after details were asked for: what they are for (actions.faq).
WHY_ASKED = "why_asked"
URGENT_STORY = "urgent_story"  # theft or a scam told as a complaint: its urgent answer and a P1 person, no apology
# "他不是骗子 你们不懂别乱说", "我不想报警 丢人" after the scam answer: the warning again,
# gently, with why (actions/complaints.py), not an apology for the service.
SCAM_DOUBTED = "scam_doubted"
# "你说的我都没看懂 说简单点" right after an answer: its key step again (actions.faq).
SIMPLER = "simpler"


@dataclass(frozen=True)
class Complaint:
    about: str
    area: Optional[str] = None  # one of PROBLEM_INTENTS


@dataclass(frozen=True)
class ComplaintWords:
    """Words that say what a complaint is about (data/support/handoff.yml, ``complaints``)."""

    money: Tuple[str, ...]
    service: Tuple[str, ...]
    requests: Tuple[str, ...] = ()  # words that ask for a complaint to be taken (投诉, 举报)
    money_area: str = "transfer_failed"  # the area of money lost when nothing names another
    min_share: float = 0.05              # a problem intent's share of the ranking that names the area
    feedback_entry: str = "general_feedback_complaint"  # the FAQ entry a service complaint gets
    gives_up: Tuple[str, ...] = ()  # "算了 我直接去银行转": leaving, not asking for anything
    # "他不是骗子", "我不想报警 丢人": after the scam answer, the warning doubted or resisted
    doubts_scam: Tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, raw: Mapping) -> "ComplaintWords":
        return cls(money=tuple(normalize(str(w)) for w in raw.get("money") or ()),
                   service=tuple(normalize(str(w)) for w in raw.get("service") or ()),
                   requests=tuple(normalize(str(w)) for w in raw.get("requests") or ()),
                   money_area=str(raw.get("money_area", "transfer_failed")),
                   min_share=float(raw.get("min_share", 0.05)),
                   feedback_entry=str(raw.get("feedback_entry", "general_feedback_complaint")),
                   gives_up=tuple(normalize(str(w)) for w in raw.get("gives_up") or ()),
                   doubts_scam=tuple(normalize(str(w)) for w in raw.get("doubts_scam") or ()))

    @classmethod
    def load(cls, path: Path) -> "ComplaintWords":
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls.from_mapping(data.get("complaints") or {})


def read_complaint(text: str, ranking: Sequence[Tuple[str, float]], words: ComplaintWords,
                   urgent: bool = False, named: Optional[str] = None) -> Complaint:
    """``ranking``: the NLU's (intent, confidence) pairs, best first; ``urgent``: the
    message tells of theft or fraud; ``named``: the problem intent the customer's own
    words name ("登不上" -> account_locked), if any."""
    normalized = normalize(text or "")
    area = next((name for name, share in ranking
                 if name in PROBLEM_INTENTS and share >= words.min_share), None)
    if urgent:
        return Complaint(URGENT_STORY, area or words.money_area)
    if any(w in normalized for w in words.money):
        return Complaint(PROBLEM, area or words.money_area)
    asks_to_complain = not words.requests or any(w in normalized for w in words.requests)
    if named in PROBLEM_INTENTS and not asks_to_complain:
        return Complaint(VENTING_PROBLEM, named)
    if not asks_to_complain and any(w in normalized for w in words.gives_up):
        return Complaint(VENTING)  # a ticket the customer is walking away from helps no one
    if area is not None:
        return Complaint(PROBLEM, area)
    if any(w in normalized for w in words.service):
        return Complaint(SERVICE)
    return Complaint(UNSPECIFIED if asks_to_complain else VENTING)


__all__ = ["Complaint", "ComplaintWords", "PROBLEM", "PROBLEM_INTENTS", "SCAM_DOUBTED", "SERVICE", "UNSPECIFIED",
           "URGENT_STORY",
           "VENTING", "VENTING_PROBLEM", "WHY_ASKED", "SIMPLER", "read_complaint"]
