"""Whether a customer's message may send back an SMS code with no 码 beside it: while the
problem in hand is a code (domain.yml's ``problem`` slot is ``sms_code_delay``), a number
standing alone ("收到了 是这个吗 482913") is masked as one, in the warning, the stored
events and the ticket's transcript alike. A message is read with the problem as its own
turn left it ("验证码收不到 刚来了一条 482913" sets it and sends the code at once)."""
from __future__ import annotations

from typing import Any, Iterable, List, Mapping, Optional

CODE_PROBLEM_SLOT = "problem"
CODE_PROBLEM = "sms_code_delay"


def _problem_set(event: Mapping[str, Any]) -> Optional[bool]:
    """Whether ``event`` puts the code problem in hand (True) or another one (False);
    None when it does not touch the problem."""
    if event.get("event") == "slot" and event.get("name") == CODE_PROBLEM_SLOT:
        return event.get("value") == CODE_PROBLEM
    return None


def code_expectations(events: Iterable[Mapping[str, Any]], in_hand: bool = False) -> List[bool]:
    """For each customer message of ``events`` (Rasa's event dicts) in order, whether its
    turn ends with the code problem in hand. ``in_hand``: it was before the first event."""
    expectations: List[bool] = []
    for event in events:
        if event.get("event") == "user":
            expectations.append(in_hand)
        changed = _problem_set(event)
        if changed is not None:
            in_hand = changed
            if expectations:
                expectations[-1] = in_hand
    return expectations
