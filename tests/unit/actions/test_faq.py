import json
from typing import Optional

import pytest
from rasa_sdk.events import SlotSet

from actions.faq import ActionLookupFaq
from tests.unit.actions.conftest import make_tracker


async def run(tracker, dispatcher):
    return await ActionLookupFaq().run(dispatcher, tracker, {})


async def test_answers_the_matching_entry(faq_dir, dispatcher):
    events = await run(make_tracker("验证码一直收不到", "sms_code_delay"), dispatcher)
    assert dispatcher.messages[0]["text"] == "请检查手机号和信号。"
    assert SlotSet("faq_outcome", "answered") in events
    assert SlotSet("faq_entry", "sms_not_received") in events


@pytest.mark.parametrize("text, offered", [
    pytest.param("验证码一直收不到 我年纪大了眼睛不好 看不清", True, id="hard-to-follow"),
    pytest.param("验证码一直收不到", False, id="an-ordinary-question"),
])
async def test_steps_hard_to_follow_are_answered_with_help_offered(faq_dir, dispatcher, text, offered):
    await run(make_tracker(text, "sms_code_delay"), dispatcher)
    assert dispatcher.messages[0]["text"] == "请检查手机号和信号。"
    helped = [m for m in dispatcher.messages if "字体调大" in (m["text"] or "")]
    assert bool(helped) is offered and all(m["buttons"][0]["payload"] == "/request_human" for m in helped)


async def test_no_answer_leaves_the_reply_to_the_rules(faq_dir, dispatcher):
    events = await run(make_tracker("你们公司在哪个城市", "general_question"), dispatcher)
    assert dispatcher.messages == []
    assert SlotSet("faq_outcome", "not_found") in events


async def test_button_choice_answers_that_entry_directly(faq_dir, dispatcher):
    tracker = make_tracker('/general_question{"faq_id": "sms_expired"}', "general_question",
                           entities=[{"entity": "faq_id", "value": "sms_expired"}])
    events = await run(tracker, dispatcher)
    assert dispatcher.messages[0]["text"] == "验证码 5 分钟内有效。"
    assert SlotSet("faq_entry", "sms_expired") in events


async def test_close_alternatives_are_offered_as_buttons(faq_dir, dispatcher):
    events = await run(make_tracker("验证码没收到还是过期了", "sms_code_delay"), dispatcher)
    assert SlotSet("faq_outcome", "answered") in events
    assert len(dispatcher.messages) == 2
    payload = dispatcher.messages[1]["buttons"][0]["payload"]
    assert payload.startswith("/general_question")
    assert json.loads(payload[len("/general_question"):])["faq_id"] in {"sms_not_received", "sms_expired"}


async def test_the_embedding_the_nlu_carried_is_not_computed_again(faq_dir, dispatcher, monkeypatch):
    from bot.semantics import shared_encoder
    from bot.semantics.carried import EMBEDDING_KEY, pack
    from bot.semantics.embeddings import Embeddings

    text = "验证码一直收不到"
    tracker = make_tracker(text, "sms_code_delay")
    tracker.latest_message[EMBEDDING_KEY] = pack(shared_encoder(1).encode_one(text))
    monkeypatch.setattr(Embeddings, "message", lambda self, text: pytest.fail("embedded again"))
    events = await run(tracker, dispatcher)
    assert SlotSet("faq_entry", "sms_not_received") in events


async def test_a_short_unclear_message_after_an_answer_is_read_with_the_conversation(faq_dir, dispatcher):
    """A few characters read as nothing in particular are not searched alone (they can
    match any entry by one word): after an answer they are a detail of the problem."""
    alone = await run(make_tracker("过期", "nlu_fallback"), dispatcher)
    assert SlotSet("faq_entry", "sms_expired") in alone
    after_an_answer = make_tracker("过期", "nlu_fallback",
                                   slots={"faq_entry": "sms_not_received", "problem": "sms_code_delay"})
    events = await run(after_an_answer, dispatcher)
    assert SlotSet("faq_outcome", "noted") in events


async def test_details_after_a_problem_s_answer_start_its_questions(faq_dir, dispatcher):
    """"1000 昨天 建行" after the answer to a failed transfer: its details, whatever entry
    their words match."""
    tracker = make_tracker("验证码 5分钟 移动", "inform", entities=[{"entity": "carrier", "value": "中国移动"}],
                           slots={"faq_entry": "sms_not_received", "problem": "sms_code_delay"})
    events = await run(tracker, dispatcher)
    assert SlotSet("faq_outcome", "noted") in events
    assert dispatcher.messages == []


async def test_only_a_topic_word_is_asked_which_question_it_means(faq_dir, dispatcher):
    """"验证码" alone names no question: its topic's entries are offered as buttons (an
    entry the knowledge base no longer has is left out), no entry is guessed."""
    import yaml

    from actions import services
    search = yaml.safe_load((faq_dir / "search.yml").read_text(encoding="utf-8"))
    search["topics"] = [{"words": ["验证码"], "prompt": "验证码遇到了什么情况？",
                         "entries": ["sms_not_received", "deleted_in_the_console", "sms_expired"]}]
    (faq_dir / "search.yml").write_text(yaml.safe_dump(search, allow_unicode=True), encoding="utf-8")
    services.reset()
    events = await run(make_tracker("验证码", "sms_code_delay"), dispatcher)
    assert SlotSet("faq_outcome", "asked_which") in events and SlotSet("faq_entry", None) in events
    (question,) = dispatcher.messages
    assert question["text"] == "验证码遇到了什么情况？"
    chosen = [json.loads(b["payload"][len("/general_question"):])["faq_id"] for b in question["buttons"]]
    assert chosen == ["sms_not_received", "sms_expired"]


async def test_a_detail_declined_after_an_answer_is_fine_and_a_person_offered(faq_dir, dispatcher):
    tracker = make_tracker("我不想说金额", "stop_form", slots={"problem": "transfer_failed"})
    events = await run(tracker, dispatcher)
    assert SlotSet("faq_outcome", "declined") in events
    (reply,) = dispatcher.messages
    assert "不方便说的可以不说" in reply["text"] and reply["buttons"][0]["payload"] == "/request_human"


@pytest.mark.parametrize("intent", ["general_question", "complain"])
async def test_why_we_ask_after_an_answer_that_asked_for_details_is_explained(faq_dir, dispatcher, intent):
    from actions.complaints import read
    tracker = make_tracker("你问这个干嘛 是不是想骗我", intent, slots={"problem": "transfer_failed"})
    events = await run(tracker, dispatcher) if intent == "general_question" else read(dispatcher, tracker)
    (reply,) = dispatcher.messages
    assert "只是为了帮您查清楚" in reply["text"] and reply["buttons"][0]["payload"] == "/request_human"
    assert SlotSet("faq_outcome", "declined") in events or SlotSet("complaint_about", "why_asked") in events


@pytest.mark.parametrize("intent", ["nlu_fallback", "complain"])
async def test_an_answer_not_followed_gets_its_key_step_again_and_a_person_offered(faq_dir, dispatcher, intent):
    from actions.complaints import read
    tracker = make_tracker("你说的我都没看懂 直接说 点哪", intent, slots={"faq_entry": "billing_cancel_renewal"})
    events = await run(tracker, dispatcher) if intent == "nlu_fallback" else read(dispatcher, tracker)
    (reply,) = dispatcher.messages
    assert "最要紧的一步就是：在「我的 > 设置 > 自动续费管理」关闭。" in reply["text"]
    assert reply["buttons"][0]["payload"] == "/request_human"
    assert SlotSet("faq_outcome", "simplified") in events or SlotSet("complaint_about", "simpler") in events


@pytest.mark.parametrize("slots", [
    pytest.param({"faq_entry": "account_stolen_suspected"}, id="after-an-urgent-answer"),
    pytest.param({}, id="no-answer-yet"),
])
async def test_not_followed_is_no_key_step_after_an_urgent_answer_or_none(faq_dir, dispatcher, slots):
    events = await run(make_tracker("没看懂 说简单点", "nlu_fallback", slots=slots), dispatcher)
    assert SlotSet("faq_outcome", "simplified") not in events
    assert not any("最要紧的一步" in (m["text"] or "") for m in dispatcher.messages)


async def test_money_seen_arrived_after_an_answer_is_said_plainly_not_taken_as_a_detail(faq_dir, dispatcher):
    tracker = make_tracker("看到了 有一条写着收款1000", "inform",
                           slots={"faq_entry": "sms_not_received", "problem": "transfer_failed"},
                           entities=[{"entity": "amount", "value": "1000"}])
    events = await run(tracker, dispatcher)
    assert SlotSet("faq_outcome", "arrived") in events
    assert SlotSet("problem", None) in events
    (reply,) = dispatcher.messages
    assert "已经到了您的账户余额" in reply["text"]


async def test_a_pointer_at_an_earlier_order_asks_which_one_and_the_reply_is_a_detail(faq_dir, dispatcher):
    slots = {"faq_entry": "billing_cancel_renewal", "problem": "billing_issue"}
    events = await run(make_tracker("就那个啊 你们不是说会退吗", "nlu_fallback", slots=slots), dispatcher)
    assert SlotSet("faq_outcome", "asked_which_one") in events
    (reply,) = dispatcher.messages
    assert "看不到您之前的订单" in reply["text"] and reply["buttons"][0]["payload"] == "/request_human"
    events = await run(make_tracker("买的那个课", "out_of_scope", slots={**slots, "faq_outcome": "asked_which_one"}),
                       dispatcher)
    assert SlotSet("faq_outcome", "noted") in events and len(dispatcher.messages) == 1


async def test_a_problems_details_after_an_answer_that_find_nothing_are_noted(faq_dir, dispatcher):
    tracker = make_tracker("提了一万 收了10块", "billing_issue",
                           slots={"faq_entry": "billing_cancel_renewal", "problem": "billing_issue"},
                           entities=[{"entity": "amount", "value": "一万"}, {"entity": "amount", "value": "10块"}])
    events = await run(tracker, dispatcher)
    assert SlotSet("faq_outcome", "noted") in events and dispatcher.messages == []


async def test_a_topic_no_entry_answers_is_named_and_a_person_offered(faq_dir, dispatcher):
    from tests.support.faq_kb import write_kb
    write_kb(faq_dir, not_covered=[{"id": "repayment", "name": "借款还款",
                                    "questions": ["借款怎么还款", "自动还款没扣成功", "逾期了会上征信吗"]}])
    events = await run(make_tracker("借款自动还款没扣成功", "billing_issue"), dispatcher)
    assert SlotSet("faq_outcome", "not_covered") in events
    (reply,) = dispatcher.messages
    assert reply["text"].startswith("借款还款方面的问题") and reply["buttons"][0]["payload"] == "/request_human"


@pytest.mark.parametrize("text, outcome", [
    pytest.param("取消自动续费 全部给我取消", "repeated", id="a-demand-again"),
    pytest.param("自动续费扣的钱能不能免了 给我退了吧", "needs_decision", id="a-waiver-asked-for"),
    pytest.param("退款的事你帮我申请吧", "needs_decision", id="applied-for-by-us"),
    pytest.param("怎么关闭自动续费？", "answered", id="a-question-it-answers"),
])
async def test_after_an_answer_only_a_question_it_answers_gets_it_again(faq_dir, dispatcher, text, outcome):
    """A demand again is told that is the way; a waiver or a refund to apply for is a
    person's to decide; both get a person offered (data/rules), not the same answer."""
    tracker = make_tracker(text, "billing_issue", slots={"faq_entry": "billing_cancel_renewal"})
    events = await run(tracker, dispatcher)
    assert SlotSet("faq_outcome", outcome) in events
    assert bool(dispatcher.messages) is (outcome == "answered")


async def test_the_problem_told_again_with_its_details_is_not_a_repeated_demand(faq_dir, dispatcher):
    tracker = make_tracker("取消自动续费 昨晚11点又扣了25块", "billing_issue",
                           slots={"faq_entry": "billing_cancel_renewal", "problem": "billing_issue"},
                           entities=[{"entity": "amount", "value": "25块"},
                                     {"entity": "time_expression", "value": "昨晚11点"}])
    events = await run(tracker, dispatcher)
    assert SlotSet("faq_outcome", "repeated") not in events


async def test_a_story_of_being_cheated_is_never_explained_away(faq_dir, dispatcher):
    from actions.complaints import read
    tracker = make_tracker("你们的人骗我转了三千", "complain", slots={"problem": "transfer_failed"})
    events = read(dispatcher, tracker)
    assert SlotSet("complaint_about", "urgent_story") in events
    assert not any("只是为了帮您查清楚" in m.get("text", "") for m in dispatcher.messages)


async def test_a_second_problem_in_the_message_is_not_forgotten(faq_dir, dispatcher):
    import yaml

    from actions import services
    search = yaml.safe_load((faq_dir / "search.yml").read_text(encoding="utf-8"))
    search["problem_phrases"] = {"account": {"name": "登录", "phrases": ["登录不上"]}}
    (faq_dir / "search.yml").write_text(yaml.safe_dump(search, allow_unicode=True), encoding="utf-8")
    services.reset()
    await run(make_tracker("我登录不上 而且验证码一直收不到", "sms_code_delay"), dispatcher)
    answer, noticed = (m["text"] for m in dispatcher.messages)
    assert answer == "请检查手机号和信号。" and "「登录」" in noticed


async def test_a_short_reply_to_which_question_is_read_with_the_topic_word(faq_dir, dispatcher):
    from rasa_sdk import Tracker

    from tests.unit.actions.conftest import parse_data
    said = [{"event": "user", "text": text, "parse_data": {"text": text, **parse_data(intent)}}
            for text, intent in (("验证码", "sms_code_delay"), ("没收到", "deny"))]
    tracker = Tracker("tester", {"faq_outcome": "asked_which"}, said[-1]["parse_data"], said, False, None, {},
                      "action_listen")
    events = await run(tracker, dispatcher)
    assert SlotSet("faq_entry", "sms_not_received") in events
    alone = await run(make_tracker("没收到", "deny"), dispatcher)
    assert SlotSet("faq_entry", "sms_not_received") not in alone


@pytest.mark.parametrize("text, doubted", [
    pytest.param("他不是那种人 我们认识大半年了 你们别瞎说", True, id="defends-the-other-side"),
    pytest.param("我才不报警 被人知道多丢人", True, id="will-not-report"),
    pytest.param("我要投诉 你们就会让我报警", False, id="asks-for-a-complaint"),
    pytest.param("报警了 警察要你们出个带章的凭证 你能直接发我吗", False, id="asks-for-something-else"),
])
async def test_anger_after_the_scam_answer_hears_the_warning_again(faq_dir, dispatcher, text, doubted):
    from actions.complaints import read
    events = read(dispatcher, after_the_scam_answer(text, "complain", "网上认识的男朋友让我交税才能提现"))
    assert (SlotSet("complaint_about", "scam_doubted") in events) is doubted
    assert any("96110" in m.get("text", "") for m in dispatcher.messages) is doubted


async def test_a_complaint_about_a_charge_gets_how_to_stop_it_before_the_person(faq_dir, dispatcher):
    from actions.complaints import read
    tracker = make_tracker("自动续费乱扣钱 我要投诉 你们怎么不告诉我怎么关", "complain")
    tracker.latest_message["intent_ranking"] = [{"name": "complain", "confidence": 0.6},
                                                {"name": "billing_issue", "confidence": 0.3}]
    events = read(dispatcher, tracker)
    assert SlotSet("complaint_about", "problem") in events and SlotSet("problem", "billing_issue") in events
    assert [m["text"] for m in dispatcher.messages] == ["在「我的 > 设置 > 自动续费管理」关闭。"]


async def test_a_scam_story_hears_the_sign_it_told_named_before_the_steps(faq_dir, dispatcher):
    await run(make_tracker("骗子让我转账到安全账户 还说要保密 不能告诉家里人", "transfer_failed"), dispatcher)
    sign, *rest = [m["text"] for m in dispatcher.messages]
    assert "安全账户" in sign and "告诉家人" in sign and rest[0] == "请停止转账并报警。"


@pytest.mark.parametrize("text, step", [
    pytest.param("他又让我把三千转到安全账户 我已经转了", "冻结被转走钱的银行卡", id="money-gone"),
    pytest.param("他又说要转到安全账户 让我在星借里申请一下", "先别转", id="nothing-paid-yet"),
])
async def test_the_same_scam_told_again_gets_the_steps_for_where_the_customer_is(faq_dir, dispatcher, text, step):
    tracker = make_tracker(text, "transfer_failed", slots={"faq_entry": "transfer_fraud_scam"})
    tracker.events.append({"event": "user", "text": text})
    await run(tracker, dispatcher)
    (steps,) = [m["text"] for m in dispatcher.messages]
    assert step in steps


def after_the_scam_answer(text: str, intent: str, story: str, outcome: Optional[str] = "urgent",
                         entry: str = "transfer_fraud_scam"):
    """The customer's ``text`` after ``story`` got the scam answer (or the urgent ``entry``;
    its ``outcome``: none when the answer was given in another way, a form's or the
    waiting loop's)."""
    tracker = make_tracker(text, intent)
    answered = [{"event": "slot", "name": "faq_outcome", "value": outcome}] if outcome else []
    tracker.events[:0] = [{"event": "user", "text": story}, *answered,
                          {"event": "slot", "name": "faq_entry", "value": entry},
                          {"event": "user", "text": text}]
    return tracker


async def test_a_piece_of_the_story_after_the_urgent_answer_is_no_question_for_another_entry(faq_dir, dispatcher):
    events = await run(after_the_scam_answer("用星汇转的 验证码也收不到", "sms_code_delay", "骗子让我转账到安全账户"),
                       dispatcher)
    assert "请检查手机号和信号。" not in [m["text"] for m in dispatcher.messages]
    assert SlotSet("faq_outcome", "urgent") in events or SlotSet("faq_outcome", "urgent_again") in events


async def test_a_scam_stopped_in_time_after_the_urgent_answer_hears_what_to_watch(faq_dir, dispatcher):
    events = await run(after_the_scam_answer("没给他 我直接挂了", "inform", "有人打电话让我把验证码念给他"), dispatcher)
    (said,) = [m["text"] for m in dispatcher.messages]
    assert "还没有损失" in said and SlotSet("faq_outcome", "answered") in events


@pytest.mark.parametrize("text, entry, said", [
    pytest.param("商户是京东 收货人是我老婆", "account_stolen_suspected", "先跟他们确认", id="maybe-them"),
    pytest.param("家里旧手机也登着我的号 给我老婆交水电用的", "account_stolen_suspected", "先跟他们确认",
                 id="their-phone-signed-in"),
    pytest.param("问了 是我老婆用我手机买的", "account_stolen_suspected", "虚惊一场", id="them"),
    pytest.param("是我老公转给他的", "transfer_fraud_scam", None, id="a-scam-is-one-whoever-paid"),
])
async def test_after_the_theft_answer_someone_the_customer_knows_calls_it_off(faq_dir, dispatcher, text, entry, said):
    story = "多了一笔分期 我没买过 谁盗我号了"
    events = await run(after_the_scam_answer(text, "inform", story, entry=entry), dispatcher)
    replies = [m.get("text") or "" for m in dispatcher.messages]
    if said is None:
        assert not any("虚惊一场" in r or "先跟他们确认" in r for r in replies)
    else:
        assert [said in r for r in replies] == [True] and SlotSet("faq_outcome", "answered") in events
    # Only a theft said to be none makes later readings strict.
    assert (SlotSet("alarm_called_off", True) in events) is (said == "虚惊一场")
    assert (SlotSet("problem", None) in events) is (said == "虚惊一场")


async def test_asking_after_the_person_while_the_urgent_offer_stands_takes_it(faq_dir, dispatcher):
    events = await run(after_the_scam_answer("好 那人工什么时候联系我 号码就是登录这个", "account_locked",
                                             "老板微信让我转了四万八 结果是假的"), dispatcher)
    assert SlotSet("faq_outcome", "urgent_again") in events and not dispatcher.messages


async def test_after_a_scam_no_entry_that_helps_money_leave_is_given(faq_dir, dispatcher):
    from actions import services
    from tests.support.faq_kb import write_kb
    write_kb(faq_dir, settings={"helps_paying": ["billing_cancel_renewal"]})  # as if it raised a limit
    services.reset()
    await run(after_the_scam_answer("怎么关闭自动续费", "billing_issue", "骗子让我转账", outcome=None), dispatcher)
    (said,) = [m["text"] for m in dispatcher.messages]
    assert "不能教您提高额度" in said
