""""Routed right": the real development set's scoring rule (../shared/nlu/README.md),
one copy for the benchmark (bench/real_dev.py) and the console's model gate.

An out-of-scope message is routed right by out_of_scope, general_question or
nlu_fallback; between transfer_failed and billing_issue either side is right for
money coming in or a refund; a request for a phone number is right as
general_question; everything else needs the exact label.
"""
from __future__ import annotations

import re

FALLBACK = "nlu_fallback"
OTHER = frozenset({"out_of_scope", "general_question", FALLBACK})
MONEY_IN = re.compile(r"充值|还款|还钱|还不进|退款|退回|退还|话费|自动扣|扣款")
CONTACT = re.compile(r"电话|热线|联系方式|号码")


def routed_right(want: str, got: str, text: str) -> bool:
    if got == want:
        return True
    if want == "out_of_scope":
        return got in OTHER
    if {want, got} == {"transfer_failed", "billing_issue"}:
        return bool(MONEY_IN.search(text))
    if want == "request_human" and got == "general_question":
        return bool(CONTACT.search(text))
    return False
