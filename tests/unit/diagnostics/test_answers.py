"""How an answer to one diagnostic question is read."""
from pathlib import Path

import pytest

from bot.diagnostics.answers import (
    describe_device,
    fits_elsewhere,
    identifiers,
    is_interruption,
    is_question,
    is_skip,
    prefill,
    read_answer,
    says_solved,
)
from bot.diagnostics.spec import DiagnosticsSpec

SPEC = DiagnosticsSpec.load(Path("data/support"))


@pytest.mark.parametrize("slot, text, problem", [
    pytest.param("attempts", "不是", "invalid_count", id="count-without-a-number"),
    pytest.param("wait_time", "3次", "invalid_duration", id="duration-without-a-time"),
    pytest.param("carrier", "转账限额是什么", "invalid_choice", id="choice-not-a-carrier"),
    pytest.param("attempts", "又被扣了一笔钱", "invalid_count", id="count-a-number-among-other-words"),
])
def test_answers_of_the_wrong_kind_are_asked_again(slot, text, problem):
    assert read(slot, text).problem == problem


def test_an_answer_to_another_open_question_is_recognised():
    open_slots = [SPEC.slots[s] for s in ("attempts", "abroad")]
    assert fits_elsewhere(open_slots, "3次", [], SPEC) == ("attempts", 3)
    assert fits_elsewhere([SPEC.slots["wait_time"]], "等了十分钟", [], SPEC) == ("wait_time", "等了十分钟")
    assert fits_elsewhere(open_slots, "不知道", [], SPEC) is None


def test_a_time_or_a_bank_given_when_the_amount_was_asked_fills_the_time_or_the_bank():
    open_slots = [SPEC.slots[s] for s in ("incident_time", "payee", "transaction_id")]
    time = [{"entity": "time_expression", "value": "昨天下午", "start": 0, "end": 4}]
    bank = [{"entity": "bank_name", "value": "工商银行", "start": 0, "end": 2}]
    assert fits_elsewhere(open_slots, "昨天下午", time, SPEC) == ("incident_time", "昨天下午")
    assert fits_elsewhere(open_slots, "工商", bank, SPEC) == ("payee", "工商银行")
    assert fits_elsewhere(open_slots, "挺多的", [], SPEC) is None


@pytest.mark.parametrize("text, amount", [("大概三千", 3000.0), ("两百多", 200.0), ("3000左右", 3000.0),
                                          ("差不多两千块", 2000.0)])
def test_a_round_figure_is_an_amount(text, amount):
    assert read("amount", text).value == amount


@pytest.mark.parametrize("text, intent", [("转账限额是多少", "general_question"),
                                          ("请问你们几点下班", "general_question")])
def test_a_question_at_a_free_text_question_is_an_interruption(text, intent):
    assert interrupts("expected", text, intent)


def interrupts(slot, text, intent, entities=(), problem="billing_issue"):
    return is_interruption(SPEC.slots[slot], text, intent, list(entities), SPEC, problem=problem)


def read(slot, text, intent="inform", entities=()):
    return read_answer(SPEC.slots[slot], text, intent, list(entities), SPEC)


@pytest.mark.parametrize("slot, text, intent, expected", [
    ("account_phone", "13812345678", "inform", "13812345678"),
    ("account_phone", "我的号是 138 1234 5678 移动的", "inform", "13812345678"),
    ("account_phone", "+86 159-0000-1234", "inform", "15900001234"),
    ("amount", "5000", "inform", 5000.0),
    ("amount", "两千块", "inform", 2000.0),
    ("amount", "¥99.9", "inform", 99.9),
    ("attempts", "试了三次", "inform", 3),
    ("attempts", "4次了", "inform", 4),
    ("attempts", "3", "inform", 3),
    ("attempts", "大概5", "inform", 5),
    ("attempts", "好几次", "inform", "好几次"),
    ("wait_time", "等了快半小时", "inform", "等了快半小时"),
    ("wait_time", "10分钟", "inform", "10分钟"),
    ("wait_time", "两天了", "inform", "两天了"),
    ("wait_time", "等了十来分钟", "inform", "等了十来分钟"),
    ("wait_time", "20多分钟了", "inform", "20多分钟了"),
    ("wait_time", "半个多小时", "inform", "半个多小时"),
    ("carrier", "联通", "inform", "联通"),
    ("carrier", "其他", "inform", "其他"),
    ("abroad", "是的", "affirm", "是"),
    ("abroad", "没有", "deny", "否"),
    ("abroad", "在国内", "inform", "否"),
    ("abroad", "人在日本出差", "out_of_scope", "人在日本出差"),
    ("abroad", "没有 在国内", "inform", "否（没有 在国内）"),
    ("abroad", "不在国外", "inform", "否"),
    ("abroad", "人不在国外啊", "inform", "否（人不在国外啊）"),
    ("abroad", "现在在国外出差", "inform", "是（现在在国外出差）"),
    ("device_changed", "有", "affirm", "是"),
    ("device_changed", "上周刚换了新手机", "inform", "是（上周刚换了新手机）"),
    ("device_changed", "华为的", "inform", "华为的"),
    ("incident_time", "昨天晚上十点多吧", "inform", "昨天晚上十点多吧"),
    ("incident_time", "不记得了", "deny", "不清楚"),
    ("transaction_id", "没有", "deny", "不清楚"),
    ("transaction_id", "跳过吧！", "stop_form", "不清楚"),
    ("error_message", "提示交易异常，请稍后再试", "transfer_failed", "提示交易异常，请稍后再试"),
    ("wait_time", "快一个小时了", "inform", "快一个小时了"),
])
def test_usable_answers(slot, text, intent, expected):
    reading = read(slot, text, intent)
    assert reading.ok and reading.value == expected


@pytest.mark.parametrize("slot, text, problem", [
    ("account_phone", "1381234", "invalid_phone"),
    ("account_phone", "010-12345678", "invalid_phone"),
    ("account_phone", "不知道", "required"),
    ("amount", "很多钱", "invalid_amount"),
    ("amount", "跳过", "required"),
    ("expected", "。。。", "empty_answer"),
])
def test_unusable_answers_say_why(slot, text, problem):
    reading = read(slot, text)
    assert not reading.ok and reading.problem == problem


def test_entity_value_wins_over_the_text():
    entities = [{"entity": "amount", "value": "3千", "normalized": 3000.0}]
    assert read("amount", "大概3千左右吧", entities=entities).value == 3000.0


def test_long_answers_are_cut():
    assert len(read("error_message", "错" * 5000).value) == SPEC.max_answer_chars


@pytest.mark.parametrize("text, intent, expected", [
    ("转人工", "request_human", True),
    ("算了不填了", "stop_form", True),
    ("跳过", "stop_form", False),              # skipping one question is an answer
    ("转账失败怎么办", "transfer_failed", True),  # a question
    ("提示转账失败", "transfer_failed", False),   # what the screen said
    ("客服电话多少？", "general_question", True),
    ("昨天下午", "inform", False),
])
def test_interruptions(text, intent, expected):
    assert interrupts("error_message", text, intent, problem="transfer_failed") is expected


@pytest.mark.parametrize("text, intent, expected", [
    pytest.param("收到了 可是输进去说验证码错误", "sms_code_delay", True, id="a-new-turn-of-the-problem"),
    pytest.param("没有 人在国内 就是收不到", "sms_code_delay", False, id="a-no-with-the-problem"),
    pytest.param("在国外", "inform", False, id="a-yes"),
])
def test_a_problem_told_at_a_yes_or_no_question(text, intent, expected):
    assert interrupts("abroad", text, intent, problem="sms_code_delay") is expected


# Every slot of every form: what is never an answer, whatever the question.
NEVER_ANSWERS = [
    pytest.param("会员怎么取消自动续费啊", "general_question", id="question-with-a-question-word"),
    pytest.param("会员自动续费取消", "general_question", id="question-without-a-question-word"),
    pytest.param("转账限额是多少？", "general_question", id="question-with-a-question-mark"),
    pytest.param("今天天气怎么样", "out_of_scope", id="off-topic-question"),
    pytest.param("为什么老是这样?", "nlu_fallback", id="question-not-understood"),
    pytest.param("你好", "greet", id="greeting"),
    pytest.param("谢谢", "thank", id="thanks"),
    pytest.param("转人工", "request_human", id="person"),
    pytest.param("不填了", "stop_form", id="stop"),
    pytest.param("算了", "deny", id="stop-read-as-deny"),
    pytest.param("算了吧", "stop_form", id="stop-with-a-particle"),
    pytest.param("你是机器人吗", "bot_challenge", id="bot-challenge"),
    pytest.param("我的工单进度", "ask_ticket_status", id="ticket-status"),
]


EVERY_QUESTION = [(form, slot) for form, asked in SPEC.questions.items() for slot in asked]


@pytest.mark.parametrize("form, slot", EVERY_QUESTION)
@pytest.mark.parametrize("text, intent", NEVER_ANSWERS)
def test_what_is_never_an_answer_at_any_question(form, slot, text, intent):
    assert interrupts(slot, text, intent, problem=SPEC.forms[form])


@pytest.mark.parametrize("form, slot", EVERY_QUESTION)
def test_a_problem_of_another_area_at_any_question_is_an_interruption(form, slot):
    problem = SPEC.forms[form]
    text, intent = ("验证码也收不到", "sms_code_delay") if problem == "billing_issue" \
        else ("又被扣了一笔钱", "billing_issue")
    assert interrupts(slot, text, intent, problem=problem)


@pytest.mark.parametrize("slot, text, intent, problem, entities", [
    pytest.param("expected", "应该只扣会员费", "billing_issue", "billing_issue", [],
                 id="own-problem-told-as-expectation"),
    pytest.param("error_message", "提示账户被冻结", "account_locked", "transfer_failed", [],
                 id="screen-naming-another-area"),
    pytest.param("error_message", "提示验证码错误，怎么回事？", "sms_code_delay", "account_locked", [],
                 id="screen-quoted-with-a-question"),
    pytest.param("transaction_id", "DD20261120334455", "general_question", "billing_issue", [],
                 id="identifier-read-as-a-question"),
    pytest.param("amount", "扣了68块", "transfer_failed", "billing_issue",
                 [{"entity": "amount", "value": "68块", "normalized": 68.0}], id="amount-read-as-another-problem"),
    pytest.param("transaction_id", "找不到 没有", "deny", "billing_issue", [], id="none-twice"),
    pytest.param("abroad", "人在日本出差", "out_of_scope", "sms_code_delay", [], id="abroad-read-as-off-topic"),
    pytest.param("expected", "不是应该只扣一次吗", "inform", "billing_issue", [],
                 id="expectation-told-as-a-question"),
])
def test_answers_that_look_like_interruptions(slot, text, intent, problem, entities):
    assert not interrupts(slot, text, intent, entities, problem=problem)


def user_event(text, entities=(), metadata=None, intent=None):
    return {"event": "user", "text": text, "metadata": metadata or {},
            "parse_data": {"entities": list(entities), "intent": {"name": intent}}}


def test_prefill_takes_the_latest_normalised_entity():
    history = [
        user_event("转了5000", [{"entity": "amount", "value": "5000", "normalized": 5000.0}]),
        user_event("不对是6000块", [{"entity": "amount", "value": "6000块", "normalized": 6000.0}]),
    ]
    assert prefill(SPEC.slots["amount"], history, SPEC) == 6000.0
    assert prefill(SPEC.slots["account_phone"], history, SPEC) is None


def test_prefill_reads_a_figure_no_extractor_named_in_a_message_of_details():
    history = [user_event("转账限额是5万吗", intent="general_question"),
               user_event("1000 昨天晚上八点 农业银行", intent="inform")]
    assert prefill(SPEC.slots["amount"], history, SPEC) == 1000.0
    assert prefill(SPEC.slots["amount"], history[:1], SPEC) is None


@pytest.mark.parametrize("text, amount", [
    pytest.param("给供应商转的货款 12800 昨晚11点 他说没收到", 12800.0, id="the-figure-alone"),
    pytest.param("转到尾号 6621 的卡 一直没到", None, id="a-card-tail"),
    pytest.param("转账失败 显示错误代码 1002", None, id="an-error-code"),
    pytest.param("手机号输错一位 转错人了 转了2400 怎么撤回", 2400.0, id="a-phone-named-not-given"),
    pytest.param("验证码是 482913", None, id="a-code"),
])
def test_prefill_reads_a_figure_standing_alone_in_the_problem_told(text, amount):
    history = [user_event(text, intent="transfer_failed")]
    assert prefill(SPEC.slots["amount"], history, SPEC) == amount


@pytest.mark.parametrize("text, waited, when", [
    pytest.param("在国外收不到验证码 今天第三天了", "第三天", "第三天前", id="the-third-day"),
    pytest.param("转学费显示处理中 两个钟头了", "两个钟头", "两个钟头前", id="hours-gone-by"),
    pytest.param("我今年60了 不太会弄", None, None, id="an-age"),
])
def test_prefill_reads_time_gone_by_as_the_wait_and_when_it_began(text, waited, when):
    history = [user_event(text, intent="transfer_failed")]
    assert prefill(SPEC.slots["wait_time"], history, SPEC) == waited
    assert prefill(SPEC.slots["incident_time"], history, SPEC) == when


def test_prefill_reads_what_the_screen_said_from_a_message_that_reports_it():
    history = [user_event("绑卡一直失败", intent="account_locked"),
               user_event("提示 持卡人信息与实名信息不一致", intent="inform")]
    assert prefill(SPEC.slots["error_message"], history, SPEC) == "提示 持卡人信息与实名信息不一致"
    assert prefill(SPEC.slots["error_message"], history[:1], SPEC) is None


def test_prefill_reads_what_the_customer_expected_from_their_words():
    history = [user_event("你们的会员怎么每个月自动扣钱"), user_event("全部给我关掉"),
               user_event("前面扣的几个月都要退")]
    assert prefill(SPEC.slots["expected"], history, SPEC) == "要求退款"
    assert prefill(SPEC.slots["expected"], history[:2], SPEC) == "要求关闭自动扣费"
    assert prefill(SPEC.slots["expected"], history[:1], SPEC) is None
    assert prefill(SPEC.slots["expected"], [user_event("会员怎么取消自动续费啊", intent="general_question")],
                   SPEC) is None
    assert prefill(SPEC.slots["expected"], [user_event("还是没解决 我以前都不收")], SPEC) == "不应该收费"
    assert prefill(SPEC.slots["expected"], [user_event("就那个啊 你们不是说会退吗", intent="nlu_fallback")],
                   SPEC) == "要求退款"


def test_prefill_reads_how_long_they_waited_from_earlier_words():
    assert prefill(SPEC.slots["wait_time"], [user_event("联通 等了两分钟")], SPEC) == "两分钟"
    assert prefill(SPEC.slots["wait_time"], [user_event("移动的 等了快十分钟了吧 拦截是啥")], SPEC) == "快十分钟了吧"
    assert prefill(SPEC.slots["wait_time"], [user_event("等了半天")], SPEC) == "半天"
    assert prefill(SPEC.slots["wait_time"], [user_event("等了 也没用")], SPEC) is None


def test_a_detail_declined_before_its_question_is_not_asked():
    history = [user_event("我不想说金额", intent="stop_form"), user_event("上周三", intent="inform")]
    assert prefill(SPEC.slots["amount"], history, SPEC) == SPEC.skipped_value
    assert prefill(SPEC.slots["payee"], history, SPEC) is None
    given_later = history + [user_event("算了 转了800", [{"entity": "amount", "value": "800", "normalized": 800.0}])]
    assert prefill(SPEC.slots["amount"], given_later, SPEC) == 800.0


def test_prefill_device_from_metadata():
    history = [user_event("收不到验证码",
                          metadata={"device": "iPhone 15", "os": "iOS 17.2", "app_version": "5.3.0"})]
    assert prefill(SPEC.slots["device_info"], history, SPEC) == "iPhone 15 / iOS 17.2 / App 5.3.0"


@pytest.mark.parametrize("metadata", [None, {}, {"channel": "wechat"}, "not a dict"])
def test_no_device_without_metadata(metadata):
    assert describe_device(metadata, SPEC) is None


@pytest.mark.parametrize("slot, text, entity, expected", [
    ("carrier", '/inform{"carrier": "中国联通"}', {"entity": "carrier", "value": "中国联通"}, "中国联通"),
    ("carrier", "联通的", {"entity": "carrier", "value": "中国联通", "start": 0, "end": 2}, "中国联通"),
    ("payee", "转到招行卡上了 是我自己的另一张卡", {"entity": "bank_name", "value": "招商银行", "start": 2, "end": 4},
     "转到招行卡上了 是我自己的另一张卡"),
])
def test_an_entity_that_is_the_whole_answer_gives_its_value(slot, text, entity, expected):
    assert read(slot, text, entities=[entity]).value == expected


@pytest.mark.parametrize("text", ["找不到 没有", "没有，找不到", "不知道 忘了", "忘了", "I don't know", "No.", "n/a"])
def test_skips_said_several_ways(text):
    assert is_skip(text, SPEC)


@pytest.mark.parametrize("text", ["没有单号", "昨天", "找不到订单号 只记得是昨天下午付的", "I know"])
def test_not_a_skip(text):
    assert not is_skip(text, SPEC)


# Kind `id` (transaction_id): an order or transaction number, or none.
@pytest.mark.parametrize("text, entities, expected", [
    pytest.param("DD20261120334455", [{"entity": "transaction_id", "value": "DD20261120334455"}],
                 "DD20261120334455", id="order-number"),
    pytest.param("交易号是4200002157202611191234567890", [], "4200002157202611191234567890", id="digits-in-a-sentence"),
    pytest.param("4200 0021 5720 2611", [], "4200002157202611", id="typed-in-groups"),
    pytest.param("6222****0127", [], "6222****0127", id="masked-digits"),
    pytest.param("2026***********4556", [], "2026***********4556", id="masked-long-number"),
    pytest.param("HY-2026-1117-0098", [], "HY-2026-1117-0098", id="with-hyphens"),
    pytest.param("两笔 DD123456789012 和 DD123456789013", [], "DD123456789012、DD123456789013", id="two-numbers"),
    pytest.param('/inform{"transaction_id": "TX20261120558812"}',
                 [{"entity": "transaction_id", "value": "TX20261120558812"}], "TX20261120558812", id="payload"),
])
def test_identifiers_are_kept(text, entities, expected):
    reading = read("transaction_id", text, entities=entities)
    assert reading.ok and reading.value == expected


@pytest.mark.parametrize("text, intent", [
    pytest.param("没有", "deny", id="none"),
    pytest.param("找不到 没有", "deny", id="none-twice"),
    pytest.param("没有单号", "deny", id="no-number"),
    pytest.param("订单号忘了", "inform", id="forgot"),
    pytest.param("不知道", "deny", id="dont-know"),
    pytest.param("找不到订单号 只记得是昨天下午付的", "inform", id="none-and-more"),
    pytest.param("I have no order number", "deny", id="english-none"),
    pytest.param("I don't have the order number", "nlu_fallback", id="english-dont-have"),
])
def test_no_identifier_is_a_skip(text, intent):
    assert read("transaction_id", text, intent).value == SPEC.skipped_value


@pytest.mark.parametrize("text, intent", [
    pytest.param("会员怎么取消自动续费啊", "general_question", id="question"),
    pytest.param("The payment failed twice yesterday", "nlu_fallback", id="english-sentence"),
    pytest.param("有", "affirm", id="yes-but-no-number"),
    pytest.param("iPhone15", "inform", id="too-few-digits"),
    pytest.param("E2031", "inform", id="too-short"),
    pytest.param("******", "inform", id="a-masked-code"),
])
def test_not_an_identifier_is_asked_again(text, intent):
    assert not read("transaction_id", text, intent).ok


def test_identifier_shape_comes_from_the_spec():
    assert identifiers("AB12 x 123456 Z9999999", SPEC) == ["123456", "Z9999999"]


# Kind `text`: kept as typed, but a question to the bot is not an answer.
@pytest.mark.parametrize("slot, text, intent", [
    pytest.param("expected", "会员怎么取消自动续费啊", "general_question", id="question-word"),
    pytest.param("incident_time", "你们几点下班？", "out_of_scope", id="question-mark"),
    pytest.param("device_info", "这是什么意思？", "nlu_fallback", id="asking-back"),
    pytest.param("device_changed", "为啥要问这个？", "general_question", id="yes-no-asked-back"),
])
def test_a_pure_question_is_not_a_text_answer(slot, text, intent):
    assert read(slot, text, intent).problem == "not_an_answer"


@pytest.mark.parametrize("slot, text, intent", [
    pytest.param("expected", "不是应该只扣一次吗", "inform", id="expectation-as-a-question"),
    pytest.param("error_message", "提示“是否继续？”", "general_question", id="screen-with-a-question"),
    pytest.param("incident_time", "The day before yesterday", "nlu_fallback", id="english-sentence"),
])
def test_text_answers_with_question_looks_are_kept(slot, text, intent):
    assert read(slot, text, intent).value == text


@pytest.mark.parametrize("slot", ["expected", "device_changed", "amount", "transaction_id"])
@pytest.mark.parametrize("text", ["算了", "算了吧"])
def test_stopping_is_never_an_answer(slot, text):
    assert read(slot, text, "nlu_fallback").problem == "how_to_stop"


def test_every_kind_is_read():
    """Each kind of data/support/diagnostics.yml has a reading here (the cases above)."""
    from bot.diagnostics.spec import KINDS

    assert {slot.kind for slot in SPEC.slots.values()} == set(KINDS)


def test_an_identifier_answering_another_open_question_is_kept_there():
    entities = [{"entity": "transaction_id", "value": "DD20261120334455"}]
    assert fits_elsewhere([SPEC.slots["transaction_id"]], "DD20261120334455", entities, SPEC) == (
        "transaction_id", "DD20261120334455")
    assert fits_elsewhere([SPEC.slots["transaction_id"]], "没有", [], SPEC) is None


@pytest.mark.parametrize("text, asks", [
    pytest.param("提现要手续费不", True, id="ending-in-bu"),
    pytest.param("钱到账了没", True, id="ending-in-le-mei"),
    pytest.param("这个退不退", True, id="a-not-a"),
    pytest.param("钱还没", False, id="still-not"),
    pytest.param("都说了我不", False, id="i-do-not"),
    pytest.param("不不不", False, id="no-no-no"),
])
def test_a_question_asked_as_a_not_a(text, asks):
    assert is_question(text, SPEC) is asks


def test_a_question_about_what_came_is_not_solved():
    assert says_solved("刚才收到了 谢谢", SPEC)
    assert not says_solved("收到了 一下子来了好几条 填哪个", SPEC)
