"""Tickets with transcripts and details for the search tests (SQLite in tests/unit,
PostgreSQL in tests/integration), and what each search finds among them."""
from __future__ import annotations

from typing import List

import pytest
from sqlalchemy.engine import Engine

from bot.storage.desk import TicketDesk
from bot.storage.ticket_queue import QueueFilter, TicketQueue
from bot.storage.tickets import NewMessage, TicketStore
from tests.support.tickets import new_ticket


def add_tickets(engine: Engine) -> List[str]:
    """A: open, the customer's words and a masked phone; B: resolved, an agent's reply
    and details in Chinese; C: cancelled, the bot's words only. Returns A, B, C's numbers."""
    store, desk = TicketStore(engine), TicketDesk(engine)
    a = store.create(new_ticket(
        "search:a", sender_id="search-a", phone_last4="5678", diagnostics={"amount": 2000.0},
        messages=[NewMessage("user", "给招商银行转账一直失败 手机138****5678", "transfer_failed", 0.9),
                  NewMessage("bot", "请问是哪家银行？")])).ticket.number
    b = store.create(new_ticket(
        "search:b", sender_id="search-b", phone_last4="4321",
        diagnostics={"payee": "房东王阿姨", "bank_name": "建设银行", "error_message": "余额_不足 100%"},
        messages=[NewMessage("user", "验证码一直收不到", "sms_code_delay", 0.8)])).ticket.number
    desk.add_staff_message(b, "xiaowang", "已为您重新发送短信，请查收退款通知", "delivered")
    desk.close(b, "resolved", "xiaowang", "已解决")
    c = store.create(new_ticket(
        "search:c", sender_id="search-c", phone_last4=None, diagnostics={},
        messages=[NewMessage("user", "你好", "greet", 0.99),
                  NewMessage("bot", "您好，这里可以查询招商银行的退款进度")])).ticket.number
    desk.close(c, "cancelled", "customer", "")
    return [a, b, c]


CASES = [
    pytest.param("招商", "A", id="customer-words"),
    pytest.param("退款通知", "B", id="agent-reply-of-a-resolved-ticket"),
    pytest.param("房东", "B", id="details-in-chinese"),
    pytest.param("建设银行", "B", id="bank-in-details"),
    pytest.param("2000", "A", id="amount-in-details"),
    pytest.param("5678", "A", id="masked-phone-tail"),
    pytest.param("4321", "B", id="phone-tail-of-a-resolved-ticket"),
    pytest.param("13812345678", "", id="a-full-phone-is-never-stored"),
    pytest.param("查询招商银行的退款", "", id="the-bots-words-are-not-searched"),
    pytest.param("余额_不足", "B", id="underscore-taken-literally"),
    pytest.param("100%", "B", id="percent-taken-literally"),
    pytest.param("余额%不足", "", id="no-like-wildcards"),
    pytest.param("招商 失败", "A", id="every-word"),
    pytest.param("招商 房东", "", id="words-of-two-tickets"),
    pytest.param("%", "", id="nothing-to-search"),
]


def found(engine: Engine, numbers: List[str], search: str) -> str:
    """The letters of the tickets ``search`` finds, any status, in queue order."""
    page = TicketQueue(engine).page(QueueFilter(status="all", search=search))
    letters = dict(zip(numbers, "ABC"))
    return "".join(sorted(letters[t.number] for t in page.rows))
