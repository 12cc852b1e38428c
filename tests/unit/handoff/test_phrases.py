import pytest

from bot.handoff.phrases import HandoffPhrases
from tests.support.servers import ROOT

PHRASES = HandoffPhrases.load(ROOT / "data" / "support")


@pytest.mark.parametrize("text, calls_off", [
    pytest.param("不用了", True, id="no-need"),
    pytest.param("不用了 问题已经解决了", True, id="solved"),
    pytest.param("問題已經解決了", True, id="traditional"),
    pytest.param("好了不用了，谢谢", True, id="with-thanks"),
    pytest.param("取消转人工", True, id="cancel"),
    pytest.param("算了不用了 我自己转好了", True, id="did-it-myself"),
    pytest.param("人呢", False, id="impatient"),
    pytest.param("不用了吗？我的钱还没到账呢，你们到底什么时候处理", False, id="long-story"),
    pytest.param("2000", False, id="detail"),
])
def test_calling_the_handoff_off(text, calls_off):
    assert PHRASES.calls_off(text) is calls_off


@pytest.mark.parametrize("text, skips", [
    pytest.param("跳过", True, id="skip"),
    pytest.param("直接转人工吧", True, id="just-transfer"),
    pytest.param("充值的钱没到账", False, id="a-description"),
])
def test_skipping_the_description(text, skips):
    assert PHRASES.skips(text) is skips


@pytest.mark.parametrize("text, bare", [
    pytest.param("转人工", True, id="bare"),
    pytest.param("我要人工客服！", True, id="bare-with-punctuation"),
    pytest.param("转人工 我转账给我妈转了三次都失败了", False, id="says-what"),
])
def test_a_bare_request(text, bare):
    assert PHRASES.is_bare_request(text) is bare


@pytest.mark.parametrize("intent, text, describes", [
    pytest.param("request_human", "转人工", False, id="bare-request"),
    pytest.param("greet", "你好", False, id="greeting"),
    pytest.param("deny", "/deny", False, id="a-button"),
    pytest.param("request_human", "转人工 我转账给我妈转了三次都失败了", True, id="request-that-says-what"),
    pytest.param("general_question", "你们公司的总部在哪个城市", True, id="a-question"),
])
def test_a_message_that_says_what_the_handoff_is_about(intent, text, describes):
    assert PHRASES.describes_problem(intent, text) is describes


@pytest.mark.parametrize("text, asks", [
    ("我要你们给个说法 几天能处理", True),
    ("要等多久啊", True),
    ("什麼時候有人理我", True),
    ("转账截图我发你了", False),
    ("好的", False),
    ("那这钱啥时候到余额 我下午要去进货", False),
    ("锁了多久能自动解", False),
])
def test_asking_when_a_person_will_deal_with_it(text, asks):
    assert PHRASES.asks_when(text) is asks


@pytest.mark.parametrize("text, under_way, fake_proof", [
    ("我刚刚开了屏幕共享", True, False),
    ("链接点进去了 还没填完", True, False),
    ("他发了警官证的照片", False, True),
    ("钱已经转过去了", False, False),
])
def test_a_scam_going_on_and_a_forged_proof(text, under_way, fake_proof):
    assert PHRASES.says_under_way(text) is under_way and PHRASES.shows_fake_proof(text) is fake_proof


@pytest.mark.parametrize("texts, gone", [
    (["骗子让我转到安全账户", "我转了三万过去"], True),
    (["他让我马上转", "我差点就转了"], False),
    (["买家说他付了2000", "我看了下余额 没少"], False),
    (["名额就没了 老师让我入金"], False),
])
def test_whether_money_already_went(texts, gone):
    assert PHRASES.tells_money_gone(texts) is gone


@pytest.mark.parametrize("text, code_given", [
    ("我刚把验证码念给他了", True),
    ("他让我把验证码念给他 我没念", False),
    ("验证码一直收不到", False),
])
def test_a_code_given_away(text, code_given):
    assert PHRASES.says_code_given(text) is code_given


@pytest.mark.parametrize("text, told, verdict", [
    ("哎呀收款人系我个新抱 上个礼拜俾佢钱买雪柜 我自己唔记得咗", [], "confirmed"),
    ("问了 是我儿媳用我手机买的", [], "confirmed"),
    ("收货人是我老婆", [], "maybe"),
    ("转给我儿子的 他说没收到", [], None),
])
def test_a_theft_called_off_by_family_or_oneself(text, told, verdict):
    assert PHRASES.calls_off_alarm(text, told) == verdict
