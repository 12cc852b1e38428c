"""The activation gate: a candidate's figures against the active model's, per
evaluation set (pure).

Figures of one set (written by `bot.teaching.evaluation`)::

    {"n": 120, "right": 110, "per_intent": {"billing_issue": [20, 22], ...},
     "confusions": {"billing_issue>inform": 2, ...}}

``right`` counts what the set's rule calls right (the real development set's
"routed right", exact labels elsewhere); ``per_intent`` maps the wanted intent
to [right, n]; ``confusions`` counts (wanted > given) pairs that were not
right. Only counts: no sentence of any set leaves the training process.

The gate passes when, on every set both models were measured on, the
candidate's accuracy is not lower than the active model's by more than
``tolerance`` (a fraction), and no intent's by more than ``intent_tolerance``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

SETS = ("holdout", "real_dev", "approved")  # in the order the report shows them
SetFigures = Mapping[str, Any]


@dataclass(frozen=True)
class IntentDelta:
    intent: str
    n: int
    before: float
    after: float
    dropped: bool  # beyond the tolerance

    @property
    def delta(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class ConfusionChange:
    wanted: str
    given: str
    before: int
    after: int


@dataclass(frozen=True)
class SetReport:
    name: str
    n: int
    before: float
    after: float
    dropped: bool
    intents: Tuple[IntentDelta, ...]
    confusions: Tuple[ConfusionChange, ...]

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def failed(self) -> bool:
        return self.dropped or any(i.dropped for i in self.intents)


@dataclass(frozen=True)
class GateReport:
    sets: Tuple[SetReport, ...]
    missing: Tuple[str, ...]  # sets that could not be measured (the real development set is not there)
    tolerance: float
    intent_tolerance: float

    @property
    def passed(self) -> bool:
        return bool(self.sets) and not any(s.failed for s in self.sets)


def accuracy(right: int, n: int) -> float:
    return right / n if n else 0.0


def _intents(before: SetFigures, after: SetFigures, tolerance: float) -> Tuple[IntentDelta, ...]:
    old: Dict[str, List[int]] = dict(before.get("per_intent") or {})
    new: Dict[str, List[int]] = dict(after.get("per_intent") or {})
    found = []
    for intent in sorted(set(old) | set(new)):
        was, now = old.get(intent, [0, 0]), new.get(intent, [0, 0])
        b, a = accuracy(was[0], was[1]), accuracy(now[0], now[1])
        if a != b:
            found.append(IntentDelta(intent, max(was[1], now[1]), b, a, b - a > tolerance + 1e-9))
    return tuple(sorted(found, key=lambda d: (d.delta, d.intent)))


def _confusions(before: SetFigures, after: SetFigures) -> Tuple[ConfusionChange, ...]:
    old: Dict[str, int] = dict(before.get("confusions") or {})
    new: Dict[str, int] = dict(after.get("confusions") or {})
    changed = []
    for pair in sorted(set(old) | set(new)):
        if old.get(pair, 0) != new.get(pair, 0):
            wanted, _, given = pair.partition(">")
            changed.append(ConfusionChange(wanted, given, old.get(pair, 0), new.get(pair, 0)))
    return tuple(sorted(changed, key=lambda c: (c.before - c.after, c.wanted, c.given)))


def compare_set(name: str, before: SetFigures, after: SetFigures, tolerance: float,
                intent_tolerance: float) -> SetReport:
    b = accuracy(int(before.get("right", 0)), int(before.get("n", 0)))
    a = accuracy(int(after.get("right", 0)), int(after.get("n", 0)))
    return SetReport(name, int(after.get("n", 0)), b, a, b - a > tolerance + 1e-9,
                     _intents(before, after, intent_tolerance), _confusions(before, after))


def gate(active: Mapping[str, SetFigures], candidate: Mapping[str, SetFigures], tolerance: float,
         intent_tolerance: float) -> GateReport:
    """``active`` and ``candidate``: figures by set name (`SETS`)."""
    reports, missing = [], []
    for name in SETS:
        before, after = active.get(name), candidate.get(name)
        if before is None or after is None or not after.get("n"):
            missing.append(name)
            continue
        reports.append(compare_set(name, before, after, tolerance, intent_tolerance))
    return GateReport(tuple(reports), tuple(missing), tolerance, intent_tolerance)


def report_of(figures: Mapping[str, Any]) -> Optional[GateReport]:
    """The gate report of a registry entry's figures (None before its evaluation)."""
    if not figures.get("candidate"):
        return None
    tolerance = figures.get("tolerance") or {}
    return gate(figures.get("active") or {}, figures["candidate"], float(tolerance.get("overall", 0.01)),
                float(tolerance.get("intent", 0.05)))
