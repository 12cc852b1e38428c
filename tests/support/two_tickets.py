"""One customer's conversation with two tickets, as Rasa's events (what the action
server is sent, what the tracker store holds):

1. a failed transfer (amount, bank, transaction id, the page's message) handed to
   a person after the transfer form; the customer writes while waiting, a person
   takes it and replies, resolves it, and the customer rates the help 4;
2. then a locked account, and a second handoff after the account form.

The events are those Rasa and our actions write, in their order (a button press
arrives as its payload, a staff reply as the console records it)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from bot.handoff.transcript import staff_reply_event
from bot.ratings import HANDOFF_RATING_REQUEST

T0 = 1764990000.0  # 2025-12-06 03:00 UTC
SENDER = "two-tickets"
STAFF = "xiaowang"
STAFF_REPLY = "您好，我是客服小王，这笔转账银行已经退回，请查收。"
SOLVED_BUTTONS = [{"title": "解决了", "payload": "/affirm"}, {"title": "没解决", "payload": "/deny"}]
YES_NO_BUTTONS = [{"title": "有", "payload": "/affirm"}, {"title": "没有", "payload": "/deny"},
                  {"title": "不清楚", "payload": "不清楚"}]
RATING_BUTTONS = [{"title": str(n), "payload": f'/rate{{"rating": "{n}"}}'} for n in range(1, 6)]
# What the second ticket must not show of the first one.
FIRST_TICKET_WORDS = ("转账", "招商银行", "5000", "TX20251206001", "银行系统繁忙", "昨天下午", "小王", "客服都能看到")
# Slots the closing actions empty (actions/handoff_wait.py ticket_ended).
EMPTIED = ("problem", "handoff_summary", "faq_entry", "account_phone", "incident_time", "error_message",
           "device_changed", "device_info", "amount", "payee", "transaction_id", "carrier", "wait_time",
           "attempts", "abroad", "expected", "handoff", "handoff_note", "handoff_followups", "requested_slot")


def parse(intent: str, confidence: float = 0.95, entities: Optional[List[Dict[str, Any]]] = None) -> Dict:
    ranked = {"name": intent, "confidence": confidence}
    return {"intent": ranked, "intent_ranking": [ranked], "entities": entities or []}


def entity(name: str, value: Any, normalized: Any = None) -> Dict[str, Any]:
    found = {"entity": name, "value": value}
    if normalized is not None:
        found["normalized"] = normalized
    return found


@dataclass
class Conversation:
    """Events in order, each a second after the one before."""

    sender: str = SENDER
    events: List[Dict[str, Any]] = field(default_factory=list)

    def _add(self, event: Dict[str, Any]) -> "Conversation":
        self.events.append({**event, "timestamp": T0 + len(self.events)})
        return self

    def user(self, text: str, intent: str, *entities: Dict[str, Any]) -> "Conversation":
        return self._add({"event": "user", "text": text, "input_channel": "webchat",
                          "parse_data": {"text": text, **parse(intent, entities=list(entities))}})

    def bot(self, text: str, buttons: Optional[List[Dict[str, str]]] = None) -> "Conversation":
        return self._add({"event": "bot", "text": text, "data": {"buttons": buttons} if buttons else {}})

    def action(self, name: str) -> "Conversation":
        return self._add({"event": "action", "name": name})

    def slot(self, name: str, value: Any) -> "Conversation":
        return self._add({"event": "slot", "name": name, "value": value})

    def loop(self, name: Optional[str]) -> "Conversation":
        return self._add({"event": "active_loop", "name": name})

    def raw(self, event: Dict[str, Any]) -> "Conversation":
        return self._add(event)

    def listen(self) -> "Conversation":
        return self.action("action_listen")

    # -- whole turns ------------------------------------------------------------

    def session_start(self) -> "Conversation":
        return self.action("action_session_start")._add({"event": "session_started"}).listen()

    def handed_over(self, number: str) -> "Conversation":
        """action_handoff_to_human opened ``number``; the waiting loop follows."""
        (self.action("action_handoff_to_human").bot(f"已为您转接人工客服，工单号 {number}。")
         .slot("ticket_number", number).slot("handoff", "waiting").slot("handoff_followups", 0)
         .slot("handoff_summary", None).action("handoff_wait_form").loop("handoff_wait_form")
         .slot("requested_slot", "handoff_note"))
        return self.listen()

    def resolved(self, number: str, forget: bool = True) -> "Conversation":
        """The console resumed the conversation and ran action_handoff_resolved
        (``forget``: which empties the slots about the problem; conversations
        stored before it did keep them)."""
        self.raw({"event": "resume"}).action(HANDOFF_RATING_REQUEST)
        self.bot(f"人工客服已处理完您的问题（工单 {number}）。麻烦为这次人工服务打个分（1–5 分，5 分最满意）：",
                 RATING_BUTTONS).loop(None)
        for name in EMPTIED if forget else EMPTIED[-4:]:
            self.slot(name, None)
        return self.listen()

    @property
    def latest_message(self) -> Dict[str, Any]:
        last = next(e for e in reversed(self.events) if e["event"] == "user")
        return {"text": last["text"], **last["parse_data"]}

    def slots(self) -> Dict[str, Any]:
        """Every slot's value after the events, as the tracker has them."""
        values: Dict[str, Any] = {}
        for event in self.events:
            if event["event"] == "slot":
                values[event["name"]] = event["value"]
            elif event["event"] == "session_started":
                values.clear()
        return values


def first_problem(conversation: Conversation) -> Conversation:
    """A failed transfer, not solved by the FAQ, the transfer form filled: right before the handoff."""
    c = conversation.session_start()
    c.user("给招商银行转账5000块失败了", "transfer_failed", entity("amount", "5000块", 5000.0),
           entity("bank_name", "招商银行"))
    c.slot("problem", "transfer_failed").action("action_lookup_faq").bot("转账失败可以先检查这几点……")
    c.slot("faq_outcome", "answered").slot("faq_entry", "transfer_failed_generic")
    c.action("utter_ask_solved").bot("请问问题解决了吗？", SOLVED_BUTTONS).listen()
    c.user("/deny", "deny").action("utter_diagnostics_intro").bot("好的，我先问几个问题。")
    c.action("transfer_form").loop("transfer_form").slot("amount", 5000.0).slot("payee", "招商银行")
    c.slot("requested_slot", "incident_time").bot("大概是什么时候转的？").listen()
    c.user("昨天下午", "inform", entity("time_expression", "昨天下午"))
    c.action("transfer_form").slot("incident_time", "昨天下午").slot("requested_slot", "transaction_id")
    c.bot("有交易单号吗？").listen()
    c.user("TX20251206001", "inform", entity("transaction_id", "TX20251206001"))
    c.action("transfer_form").slot("transaction_id", "TX20251206001").slot("requested_slot", "error_message")
    c.bot("转账时页面提示了什么？").listen()
    c.user("提示银行系统繁忙", "inform")
    c.action("transfer_form").slot("error_message", "提示银行系统繁忙").slot("requested_slot", None).loop(None)
    return c


def first_ticket_life(conversation: Conversation, number: str, forget: bool = True) -> Conversation:
    """Waiting, taken (paused), answered by staff, resolved, rated 4."""
    c = conversation
    c.user("人呢", "request_human").action("handoff_wait_form").slot("handoff_followups", 1.0)
    c.action("action_ask_handoff_note")
    c.bot(f"已转人工（工单 {number}），客服预计今天 14:00 前回复，您补充的信息客服都能看到。").listen()
    c.raw({"event": "pause"})
    c.user("卡号尾号 6222 的那张", "inform")
    c.raw(staff_reply_event(STAFF_REPLY, STAFF))
    c.resolved(number, forget)
    c.user('/rate{"rating": "4"}', "rate", entity("rating", "4")).slot("rating", 4.0)
    c.action("utter_thank_rating").bot("收到您的评价，谢谢！").action("utter_goodbye").bot("好的，再见！").listen()
    return c


def second_problem(conversation: Conversation) -> Conversation:
    """A locked account, not solved by the FAQ, the account form filled: right before the handoff."""
    c = conversation
    c.user("我的账户被锁了 登录不了", "account_locked").slot("problem", "account_locked")
    c.action("action_lookup_faq").bot("账户登录不了或被锁定，可以先这样处理……")
    c.slot("faq_outcome", "answered").slot("faq_entry", "account_locked_generic")
    c.action("utter_ask_solved").bot("请问问题解决了吗？", SOLVED_BUTTONS).listen()
    c.user("/deny", "deny").action("utter_diagnostics_intro").bot("好的，我先问几个问题。")
    c.action("account_form").loop("account_form").slot("requested_slot", "account_phone")
    c.bot("请问您账户绑定的手机号是多少？").listen()
    c.user("13912341111", "inform", entity("phone_number", "13912341111"))
    c.action("account_form").slot("account_phone", "13912341111").slot("requested_slot", "incident_time")
    c.bot("大概是什么时候开始登录不上或被锁定的？").listen()
    c.user("今天早上", "inform", entity("time_expression", "今天早上"))
    c.action("account_form").slot("incident_time", "今天早上").slot("requested_slot", "error_message")
    c.bot("当时页面上提示了什么？").listen()
    c.user("提示密码错误次数过多", "inform")
    c.action("account_form").slot("error_message", "提示密码错误次数过多").slot("requested_slot", "device_changed")
    c.bot("最近有没有换过手机？", YES_NO_BUTTONS).listen()
    c.user("/affirm", "affirm")
    c.action("account_form").slot("device_changed", "是").slot("requested_slot", "device_info")
    c.bot("您用的是什么手机和系统？").listen()
    c.user("跳过", "stop_form")
    c.action("account_form").slot("device_info", "不清楚").slot("requested_slot", None).loop(None)
    return c
