"""The waiting loop's reply to each message (actions.handoff_wait.ask_note): one read of
the ticket per message, a question of another area answered from the FAQ, the
ticket's own problem only kept, and the loop going on with the database down."""
from datetime import datetime, timedelta, timezone
from typing import Optional, Sequence

import pytest

from actions import services
from actions.handoff_wait import ask_note
from bot.storage.tickets import NewMessage, NewTicket
from tests.unit.actions.conftest import make_tracker
from tests.unit.actions.test_ticket_status import open_ticket


def waiting(text: str, intent: str, number: str, *, told: Sequence[str] = (), answered: Optional[str] = None,
            followups: float = 2.0, said: Sequence[str] = (), called_off: bool = False):
    """The customer's latest message ``text`` while ticket ``number`` waits, after the
    messages ``told``, the bot's ``said`` and the entry ``answered`` of this handoff's
    span; ``called_off``: the customer said it was no theft after all."""
    tracker = make_tracker(text, intent, slots={"ticket_number": number, "handoff_followups": followups,
                                                "handoff": "waiting", "alarm_called_off": called_off or None},
                           sender="owner")
    if answered:
        tracker.events.append({"event": "slot", "name": "faq_entry", "value": answered})
    tracker.events.extend({"event": "bot", "text": line} for line in said)
    tracker.events.extend({"event": "user", "text": line} for line in (*told, text))
    return tracker


def count_reads(monkeypatch) -> list:
    store = services.ticket_store()
    reads = []
    original = store.get

    def get(number):
        reads.append(number)
        return original(number)

    monkeypatch.setattr(store, "get", get)
    return reads


@pytest.mark.parametrize("text, intent", [
    pytest.param("验证码也一直收不到", "sms_code_delay", id="another-area"),
    pytest.param("还在吗", "urge", id="pressing"),
    pytest.param("转人工", "request_human", id="asking-again"),
    pytest.param("单号是DD20261120334455", "inform", id="a-detail"),
])
def test_the_ticket_is_read_once_per_message(faq_dir, dispatcher, monkeypatch, text, intent):
    number = open_ticket("owner")
    reads = count_reads(monkeypatch)
    assert ask_note(dispatcher, waiting(text, intent, number)) == []
    assert reads == [number]


@pytest.mark.parametrize("text, intent", [
    # the ticket (open_ticket) has no intent: not a problem of the SMS area
    pytest.param("验证码也一直收不到", "sms_code_delay", id="a-problem-of-another-area"),
    pytest.param("那收不到验证码那个呢 还是不行", "deny", id="a-question-read-as-another-kind"),
])
def test_what_the_faq_answers_while_waiting_is_answered_and_kept(faq_dir, dispatcher, text, intent):
    number = open_ticket("owner")
    ask_note(dispatcher, waiting(text, intent, number))
    answer, kept = (m["text"] for m in dispatcher.messages)
    assert answer == "请检查手机号和信号。" and number in kept


def test_a_question_the_faq_cannot_answer_is_promised_an_answer_from_the_person(faq_dir, dispatcher):
    number = open_ticket("owner")
    ask_note(dispatcher, waiting("能开发票吗", "general_question", number))
    (kept,) = dispatcher.messages
    assert number in kept["text"] and "答复" in kept["text"]


def test_a_detail_of_the_ticket_is_only_kept(faq_dir, dispatcher):
    number = open_ticket("owner")
    ask_note(dispatcher, waiting("单号是DD20261120334455", "inform", number))
    (kept,) = dispatcher.messages
    assert number in kept["text"]


def test_solved_while_waiting_is_offered_the_cancellation(faq_dir, dispatcher):
    number = open_ticket("owner")
    ask_note(dispatcher, waiting("好了付上了 谢谢", "thank", number))
    (offer,) = dispatcher.messages
    assert number in offer["text"] and [b["payload"] for b in offer["buttons"]][0] == "不用了"
    assert services.handoff_phrases().calls_off(offer["buttons"][0]["payload"])
    assert services.ticket_store().get(number).status == "waiting"


def test_goodbye_while_waiting_keeps_the_ticket_and_says_when(faq_dir, dispatcher):
    number = open_ticket("owner")
    ask_note(dispatcher, waiting("那好吧 明天没到再找你 先去忙了", "goodbye", number))
    (reply,) = dispatcher.messages
    assert number in reply["text"] and "保留" in reply["text"] and "预计" in reply["text"]


def test_a_new_screen_of_the_tickets_own_problem_is_answered(faq_dir, dispatcher):
    due = datetime.now(timezone.utc) + timedelta(hours=4)
    number = services.ticket_store().create(NewTicket(
        handoff_key="owner:sms", sender_id="owner", channel="webchat", priority="P3",
        handoff_reason="customer_request", sla_due_at=due, intent="sms_code_delay")).ticket.number
    ask_note(dispatcher, waiting("提示验证码已失效", "sms_code_delay", number))
    answer, kept = (m["text"] for m in dispatcher.messages)
    assert answer == "验证码 5 分钟内有效。" and number in kept


def test_a_question_the_nlu_only_half_read_as_a_complaint_is_not_noted_as_one(faq_dir, dispatcher):
    number = open_ticket("owner")
    tracker = waiting("验证码来了好几条 填哪个", "nlu_fallback", number)
    tracker.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.3},
                                                {"name": "complain", "confidence": 0.2}]
    ask_note(dispatcher, tracker)
    assert not any("您的意见已经记到工单" in m.get("text", "") for m in dispatcher.messages)


def test_thanks_get_welcome_and_the_promise(faq_dir, dispatcher):
    number = open_ticket("owner")
    ask_note(dispatcher, waiting("ok thx", "thank", number))
    (reply,) = dispatcher.messages
    assert reply["text"].startswith("不客气") and number in reply["text"] and "等待客服处理" in reply["text"]


def p1_ticket(story: str, intent: str, reason: str) -> str:
    """A P1 ticket about ``story``."""
    due = datetime.now(timezone.utc) + timedelta(hours=1)
    new = NewTicket(handoff_key="owner:p1", sender_id="owner", channel="webchat", priority="P1",
                    handoff_reason=reason, sla_due_at=due, intent=intent,
                    messages=[NewMessage("user", story), NewMessage("user", "工商")])
    return services.ticket_store().create(new).ticket.number


@pytest.mark.parametrize("story, intent, reason, meanwhile", [
    pytest.param("你们这破app又登不上了", "account_locked", "complaint", False, id="a-login-complaint"),
    pytest.param("我的账户被盗了 钱被转走了三千", "account_locked", "complaint", True, id="theft-told-angrily"),
    pytest.param("转错人了怎么办", "transfer_failed", "not_solved", False, id="urgent-but-not-lost"),
    pytest.param("刚才一个自称公安的让我把钱转到安全账户 转了三万", "transfer_failed", "customer_request", True,
                 id="a-scam"),
])
def test_what_to_do_meanwhile_only_after_money_was_lost(faq_dir, dispatcher, story, intent, reason, meanwhile):
    number = p1_ticket(story, intent, reason)
    ask_note(dispatcher, waiting("人呢", "urge", number))
    (reply,) = dispatcher.messages
    assert number in reply["text"] and ("96110" in reply["text"]) is meanwhile


def test_after_money_was_lost_every_message_gets_the_steps_and_a_question_its_answer(faq_dir, dispatcher):
    number = p1_ticket("刚才一个自称公安的让我把钱转到安全账户 转了三万", "transfer_failed", "customer_request")
    ask_note(dispatcher, waiting("我再想想", "inform", number))
    (noted,) = dispatcher.messages
    assert number in noted["text"] and "96110" in noted["text"]
    dispatcher.messages.clear()
    ask_note(dispatcher, waiting("验证码也一直收不到怎么办", "sms_code_delay", number))
    answer, kept = (m["text"] for m in dispatcher.messages)
    assert answer == "请检查手机号和信号。" and number in kept


def test_a_scam_told_while_waiting_gets_its_steps_and_makes_the_ticket_p1(faq_dir, dispatcher):
    number = open_ticket("owner")  # P2, due in 4 hours
    ask_note(dispatcher, waiting("前两天有个人说是你们客服 让我下载了个app 照着他说的转了两千", "complain", number))
    answer, noted = (m["text"] for m in dispatcher.messages)
    assert answer == "请停止转账并报警。" and number in noted and "96110" in noted
    ticket = services.ticket_store().get(number)
    assert ticket.priority == "P1" and ticket.sla_due_at < datetime.now(timezone.utc) + timedelta(hours=2)
    assert [a.action for a in services.desk().view(number).audit if a.action == "escalated"] == ["escalated"]


def test_a_scam_told_again_while_waiting_is_not_answered_twice(faq_dir, dispatcher):
    number = p1_ticket("刚才一个自称公安的让我把钱转到安全账户 转了三万", "transfer_failed", "customer_request")
    ask_note(dispatcher, waiting("他又打电话来让我再转一万到安全账户", "transfer_failed", number,
                                 answered="transfer_fraud_scam"))
    (noted,) = dispatcher.messages
    assert number in noted["text"] and "96110" in noted["text"]


@pytest.mark.parametrize("count", [1.0, 2.0])
def test_a_scam_stopped_in_time_gets_the_steps_for_nothing_lost(faq_dir, dispatcher, count):
    number = p1_ticket("刚才一个自称公安的让我把钱转到安全账户 我差点就转了", "transfer_failed", "customer_request")
    ask_note(dispatcher, waiting("填了卡号 验证码没填 我看了下余额 没少", "inform", number, followups=count))
    (reply,) = dispatcher.messages
    assert number in reply["text"] and "还没有损失" in reply["text"] and "能否追回" not in reply["text"]


@pytest.mark.parametrize("text, step", [
    pytest.param("我刚刚已经开了共享屏幕给他看了", "挂断电话", id="screen-shared-now"),
    pytest.param("那个链接我点进去了 银行卡号填了一半", "关闭屏幕共享和对方发来的页面", id="page-half-filled"),
    pytest.param("他又发来一张通缉令 上面盖着章", "伪造的", id="forged-document"),
])
def test_a_scam_going_on_or_its_forged_proof_gets_the_steps_for_that_step(faq_dir, dispatcher, text, step):
    number = p1_ticket("刚才一个自称公安的让我把钱转到安全账户 转了三万", "transfer_failed", "customer_request")
    ask_note(dispatcher, waiting(text, "inform", number))
    (reply,) = dispatcher.messages
    assert number in reply["text"] and step in reply["text"] and "能否追回" not in reply["text"]


def test_a_scam_before_any_money_went_gets_the_steps_before_paying(faq_dir, dispatcher):
    number = p1_ticket("领导换了个号加我微信 让我马上转八万给供应商 他在开会", "transfer_failed", "customer_request")
    ask_note(dispatcher, waiting("人呢", "urge", number))
    (reply,) = dispatcher.messages
    assert number in reply["text"] and "先别转" in reply["text"] and "冻结银行卡" not in reply["text"]


def test_a_code_given_away_before_any_money_went_gets_the_steps_to_lock_the_account(faq_dir, dispatcher):
    story = "有个说是客服的打电话 说要帮我取消会员"
    number = p1_ticket(story, "billing_issue", "customer_request")
    ask_note(dispatcher, waiting("我刚把验证码念给他了 他说是取消会员要用的", "sms_code_delay", number, told=[story]))
    reply = dispatcher.messages[-1]
    assert number in reply["text"] and "改登录密码和支付密码" in reply["text"] and "先别转" not in reply["text"]


def test_after_money_went_the_steps_are_for_money_gone(faq_dir, dispatcher):
    story = "刚才一个自称公安的让我把钱转到安全账户 转了三万"
    number = p1_ticket(story, "transfer_failed", "customer_request")
    ask_note(dispatcher, waiting("人呢", "urge", number, told=[story]))
    (reply,) = dispatcher.messages
    assert "冻结银行卡" in reply["text"] and "先别转" not in reply["text"]


def test_money_found_gone_after_a_scam_thought_stopped_gets_the_steps_for_money_gone(faq_dir, dispatcher):
    story = "他发了个码让我扫一下确认收款 我扫了 让我输支付密码 输了没反应"
    number = p1_ticket(story, "transfer_failed", "customer_request")
    ask_note(dispatcher, waiting("账单里有一笔 付款 2000 给一个什么商贸 我的天", "billing_issue", number,
                                 told=[story], answered="transfer_fraud_scam"))
    (reply,) = dispatcher.messages
    assert number in reply["text"] and "冻结银行卡" in reply["text"] and "先别转" not in reply["text"]


def test_after_the_stolen_account_answer_the_steps_are_for_the_account_and_the_phone(faq_dir, dispatcher):
    number = p1_ticket("手机被偷了 里面有钱包 还有一万多", "account_locked", "customer_request")
    ask_note(dispatcher, waiting("人呢", "urge", number, answered="account_stolen_suspected"))
    (reply,) = dispatcher.messages
    assert "挂失手机号" in reply["text"] and "先别转" not in reply["text"]


def test_steps_said_once_are_pointed_back_to_not_said_again(faq_dir, dispatcher):
    story = "刚才一个自称公安的让我把钱转到安全账户 转了三万"
    number = p1_ticket(story, "transfer_failed", "customer_request")
    ask_note(dispatcher, waiting("人呢", "urge", number, told=[story]))
    (first,) = dispatcher.messages
    dispatcher.messages.clear()
    ask_note(dispatcher, waiting("还在吗", "urge", number, told=[story, "人呢"], said=[first["text"]]))
    (again,) = dispatcher.messages
    assert number in again["text"] and "上面说的紧急处理步骤" in again["text"] and "冻结银行卡" not in again["text"]


def test_theft_that_was_someone_the_customer_knows_stops_the_steps(faq_dir, dispatcher):
    story = "星花多了一笔1299的分期 我没买过 谁盗我号了"
    number = p1_ticket(story, "billing_issue", "customer_request")
    events = ask_note(dispatcher, waiting("问了 是我老婆用我手机买的", "inform", number, told=[story],
                                          answered="account_stolen_suspected"))
    (reply,) = dispatcher.messages
    assert "虚惊一场" in reply["text"] and number in reply["text"] and "挂失" not in reply["text"]
    assert [b["payload"] for b in reply["buttons"]] == ["不用了", "还要人工客服处理"]
    assert {"event": "slot", "name": "alarm_called_off", "value": True, "timestamp": None} in events
    assert [n.text for n in services.desk().view(number).notes] == [
        "客户确认：这笔是认识的人或本人操作的，不是被盗用，无需冻结。"]
    dispatcher.messages.clear()
    ask_note(dispatcher, waiting("ok 那我先去上班了 拜拜", "goodbye", number, told=[story],
                                 answered="account_stolen_suspected", called_off=True))
    (bye,) = dispatcher.messages
    assert number in bye["text"] and "挂失" not in bye["text"] and "紧急处理" not in bye["text"]


def test_with_the_database_down_the_loop_goes_on(faq_dir, dispatcher, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}")
    services.reset()
    assert ask_note(dispatcher, waiting("还在吗", "urge", "T20261207-0001")) == []
    (reply,) = dispatcher.messages
    assert "T20261207-0001" in reply["text"]


@pytest.fixture(autouse=True)
def _fresh_services():
    yield
    services.reset()
