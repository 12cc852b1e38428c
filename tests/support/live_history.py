"""A small support history built through the real servers, and counted by hand as it
is built: what each customer saw (replies, ticket numbers, the bot asking to rephrase,
thanks for a rating), what staff did in the console. The reports are checked against
these counts (tests/integration/test_teach_and_report.py); the dashboard's screenshot
shows them (tests/browser/test_console_reports.py).

The customers: the ten conversations of bench/conversations.yml in the web chat, and
five scripted ones (a complaint taken over, corrected and rated; a handoff called off;
two unclear messages; a REST customer who rates the bot; a bench handoff resolved by
a second agent and rated).
"""
from __future__ import annotations

import itertools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set

import yaml

from tests.support.console import ConsoleClient, ConsoleServer, StaffLogin
from tests.support.rest import post_json
from tests.support.servers import ROOT
from tests.support.webchat import new_session, send

NUMBER = re.compile(r"T\d{8}-\d{4}")
# a rating button, "4分", or a bare "4" (right after the rating question the rules take it)
RATING = re.compile(r'"rating":\s*"([1-5])"|([1-5])\s*[分星]|^\s*([1-5])\s*$')
_ids = itertools.count()

MISREAD = "月月少九块九"  # the current model says inform (0.77); it is billing_issue
MISREAD_INTENT = "billing_issue"
NEW_QUESTION = "会员能不能转给家人用"  # nothing in data/faq answers it
AGENT_ANSWER = "会员权益只能本人账户使用，暂不支持转给家人，家人可以单独开通。"


def _responses(name: str) -> List[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return [r["text"] for r in domain["responses"][name]]


REPHRASE = _responses("utter_please_rephrase")
THANKS = _responses("utter_thank_rating")


@dataclass
class Customer:
    """One customer and what they saw, message by message."""

    label: str
    rasa: str
    channel: str = "webchat"
    token: str = ""
    sender: str = ""
    sent: int = 0
    answered: int = 0  # messages that got a reply
    rephrased: int = 0  # ... that asked to rephrase
    tickets: Set[str] = field(default_factory=set)
    ratings: List[int] = field(default_factory=list)  # thanked for
    replies: List[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.channel == "webchat":
            self.token = new_session(self.rasa)["token"]
        else:
            self.sender = f"report-rest-{next(_ids)}"

    def say(self, text: str) -> str:
        if self.channel == "webchat":
            status, body = send(self.rasa, self.token, text, timeout=60)
            if status == 429:  # a customer over the per-window rate waits for a token (3 s) and resends
                time.sleep(3.5)
                status, body = send(self.rasa, self.token, text, timeout=60)
            assert status == 200, body
            messages = body["messages"]
        else:
            messages = post_json(f"{self.rasa}/webhooks/rest/webhook", {"sender": self.sender, "message": text},
                                 timeout=60)
        reply = "\n".join(m.get("text") or "" for m in messages)
        self.sent += 1
        self.replies.append(reply)
        if messages:
            self.answered += 1
        if any(r in reply for r in REPHRASE):
            self.rephrased += 1
        self.tickets.update(NUMBER.findall(reply))
        rating = RATING.search(text)
        if rating and any(t in reply for t in THANKS):
            self.ratings.append(int(next(g for g in rating.groups() if g)))
        return reply

    @property
    def ticket(self) -> str:
        [number] = self.tickets
        return number


@dataclass
class Correction:
    kind: str
    predicted: Optional[str]
    corrected: Optional[str]


@dataclass
class LiveHistory:
    customers: List[Customer]
    agents: Dict[str, StaffLogin]  # ticket number -> who resolved it
    ratings_by_agent: Dict[str, List[int]]  # username ->
    corrections: List[Correction]
    complaint: Customer
    called_off: Customer
    unclear: Customer
    rest: Customer
    second: Customer  # the bench conversation a second agent resolved

    def customer(self, number: str) -> Customer:
        return next(c for c in self.customers if number in c.tickets)


def feed(client: ConsoleClient, number: str) -> List[Dict]:
    page = client.get(f"/tickets/{number}/messages?after=-1", headers={"Accept": "application/json"})
    assert page.status == 200, page
    return json.loads(page.body)["messages"]


def _position(messages: List[Dict], role: str, text: str) -> Dict:
    return next(m for m in messages if m["role"] == role and text in m["text"])


def _take_reply_resolve(client: ConsoleClient, number: str, reply: str, before_reply=None) -> None:
    client.get(f"/tickets/{number}")
    assert "notice=taken" in client.post_form(f"/tickets/{number}/assign", {"assignee": "me"}).headers["Location"]
    if before_reply:
        before_reply()
    client.get(f"/tickets/{number}")
    assert "notice=replied" in client.post_form(f"/tickets/{number}/reply", {"text": reply}).headers["Location"]


def _resolve(client: ConsoleClient, number: str, note: str) -> None:
    client.get(f"/tickets/{number}")
    assert "notice=resolved" in client.post_form(f"/tickets/{number}/resolve", {"note": note}).headers["Location"]


def build(rasa: str, console: ConsoleServer) -> LiveHistory:
    bench = yaml.safe_load((ROOT / "bench" / "conversations.yml").read_text(encoding="utf-8"))["conversations"]
    customers: List[Customer] = []
    for n, turns in enumerate(bench, 1):
        customer = Customer(f"bench {n}", rasa)
        for text in turns:
            customer.say(str(text))
        customers.append(customer)

    complaint = Customer("complaint", rasa)
    complaint.say(MISREAD)
    complaint.say("你们什么垃圾服务 我要投诉 给招商银行转账2000一直失败")
    called_off = Customer("called off", rasa)
    called_off.say("转人工")
    called_off.say("我的账户被冻结了 登不上")
    called_off.say("不用了")
    unclear = Customer("unclear", rasa)
    unclear.say("asdkjh qwpeo")
    unclear.say("zxcvb mnbvq lkjhg")
    rest = Customer("rest", rasa, channel="rest")
    rest.say("收不到验证码怎么办")
    rest.say("解决了")
    rest.say('/rate{"rating": "3"}')
    customers += [complaint, called_off, unclear, rest]

    first, first_login = console.signed_in()
    second_agent, second_login = console.signed_in()
    corrections: List[Correction] = []
    number = complaint.ticket
    _take_reply_resolve(first, number, AGENT_ANSWER, before_reply=lambda: complaint.say(NEW_QUESTION))
    messages = feed(first, number)
    misread, question = _position(messages, "user", MISREAD), _position(messages, "user", NEW_QUESTION)
    answer = next(m for m in messages if m["role"] == "bot" and m["position"] > misread["position"])
    first.get(f"/tickets/{number}")
    for fields, correction in (
            ({"position": misread["position"], "kind": "intent", "intent": MISREAD_INTENT},
             Correction("intent", misread["intent"], MISREAD_INTENT)),
            ({"position": question["position"], "kind": "intent", "intent": "__new_faq__"},
             Correction("intent", question["intent"], "__new_faq__")),
            ({"position": answer["position"], "kind": "answer"}, Correction("answer", misread["intent"], None))):
        page = first.post_form(f"/tickets/{number}/corrections", {k: str(v) for k, v in fields.items()})
        assert "notice=corrected" in page.headers["Location"], page.headers["Location"]
        corrections.append(correction)
    _resolve(first, number, "会员自动续费，已关闭并退款")
    complaint.say('/rate{"rating": "4"}')

    second = next(c for c in customers[:len(bench)] if c.tickets)
    _take_reply_resolve(second_agent, second.ticket, "您好，这笔转账银行已退回，1–3 个工作日原路到账。")
    _resolve(second_agent, second.ticket, "银行退票")
    second.say('/rate{"rating": "5"}')

    agents = {number: first_login, second.ticket: second_login}
    assert complaint.ratings[-1:] == [4] and second.ratings[-1:] == [5], "the customers were not thanked"
    by_agent = {first_login.username: [4], second_login.username: [5]}
    return LiveHistory(customers, agents, by_agent, corrections, complaint, called_off, unclear, rest, second)
