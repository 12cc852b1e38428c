"""Staff's corrections: one per turn and kind, the masked text copied, refused where they make no sense."""
from datetime import timedelta

import pytest

from bot.storage.corrections import CorrectionRefused, CorrectionStore
from bot.storage.desk import TicketDesk, TicketNotFound
from bot.storage.engine import make_engine
from bot.storage.models import NEW_FAQ_QUESTION
from bot.storage.retention import forget
from bot.storage.tickets import NewMessage, TicketStore
from tests.support.tickets import NOW, new_ticket

MESSAGES = [NewMessage("user", "钱转出去了 对方说没收到 手机138****5678", "billing_issue", 0.51),
            NewMessage("bot", "扣费问题可以这样处理……"),
            NewMessage("user", "你们的年费怎么算", "general_question", 0.7),
            NewMessage("bot", "抱歉，我没太看懂")]


@pytest.fixture
def engine(migrated_db_url):
    return make_engine(migrated_db_url)


@pytest.fixture
def number(engine):
    return TicketStore(engine, clock=lambda: NOW).create(new_ticket(messages=MESSAGES)).ticket.number


@pytest.fixture
def store(engine):
    clock = iter(NOW + timedelta(minutes=i) for i in range(100))
    return CorrectionStore(engine, clock=lambda: next(clock))


def test_a_wrong_intent_is_kept_with_the_masked_text_who_and_when(store, number):
    store.mark_intent(number, 0, "transfer_failed", "wang")
    [correction] = store.for_ticket(number)[0]
    assert (correction.kind, correction.predicted_intent, correction.corrected_intent) == (
        "intent", "billing_issue", "transfer_failed")
    assert correction.text == "钱转出去了 对方说没收到 手机138****5678"
    assert correction.author == "wang" and correction.created_at == NOW


def test_marking_the_same_turn_again_replaces_the_correction(store, number):
    store.mark_intent(number, 0, "transfer_failed", "wang")
    store.mark_intent(number, 0, "account_locked", "li")
    [correction] = store.for_ticket(number)[0]
    assert (correction.corrected_intent, correction.author) == ("account_locked", "li")


def test_a_wrong_answer_remembers_the_intent_it_answered(store, number):
    store.mark_answer(number, 3, "wang")
    [correction] = store.for_ticket(number)[3]
    assert (correction.kind, correction.predicted_intent, correction.corrected_intent) == (
        "answer", "general_question", None)


@pytest.mark.parametrize("mark, problem", [
    pytest.param(lambda s, n: s.mark_intent(n, 1, "greet", "w"), "not_a_customer_turn", id="intent-of-a-bot-message"),
    pytest.param(lambda s, n: s.mark_answer(n, 0, "w"), "not_a_bot_answer", id="answer-of-a-customer-turn"),
    pytest.param(lambda s, n: s.mark_intent(n, 0, "billing_issue", "w"), "same_intent", id="same-intent"),
    pytest.param(lambda s, n: s.mark_intent(n, 99, "greet", "w"), "no_such_message", id="no-such-position"),
])
def test_corrections_that_make_no_sense_are_refused(store, number, mark, problem):
    with pytest.raises(CorrectionRefused) as refused:
        mark(store, number)
    assert refused.value.problem == problem
    assert store.for_ticket(number) == {}


def test_an_unknown_ticket(store):
    with pytest.raises(TicketNotFound):
        store.mark_answer("T20000101-0001", 1, "w")


def test_remove_undoes_a_correction(store, number):
    store.mark_answer(number, 1, "wang")
    assert store.remove(number, 1, "answer") is True
    assert store.remove(number, 1, "answer") is False
    assert store.for_ticket(number) == {}


def test_between_gives_the_ticket_s_area_and_the_agent_s_reply(engine, store, number):
    store.mark_intent(number, 2, NEW_FAQ_QUESTION, "wang")
    desk = TicketDesk(engine, clock=lambda: NOW)
    desk.add_staff_message(number, "wang", "没送达的", "kept")
    desk.add_staff_message(number, "wang", "年费按自然年收取，首年免费。", "delivered")
    [record] = store.between(NOW, NOW + timedelta(hours=1))
    assert record.new_faq_question and record.ticket_number == number
    assert record.ticket_intent == "transfer_failed"
    assert record.agent_reply == "年费按自然年收取，首年免费。"
    assert store.between(NOW + timedelta(hours=1)) == []


def test_forgetting_a_customer_removes_their_corrections(engine, store, number):
    store.mark_intent(number, 0, "transfer_failed", "wang")
    forget(engine, engine, "u1")
    assert store.between() == []
