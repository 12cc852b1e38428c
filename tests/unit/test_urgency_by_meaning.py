"""Theft and fraud by meaning (bot.urgency_by_meaning): stories the lexicon has no words for
reach the urgent answer; ordinary problems told with the same words do not."""
import pytest

from bot.faq.knowledge_base import load_knowledge_base
from bot.semantics import shared_encoder
from bot.semantics.plain import read_as_nlu
from bot.settings import Settings
from bot.text.catalogue import Catalogue
from bot.urgency import FRAUD, THEFT, UrgencyLexicon
from bot.urgency_by_meaning import EVIDENCE, EitherUrgency, load_meaning, ordinary_questions
from tests.support.faq_kb import ROOT

SUPPORT = ROOT / "data" / "support"


@pytest.fixture(scope="module")
def meaning():
    """As the action server builds it: the examples' embeddings through the project's cache,
    the knowledge base's ordinary questions as not urgent."""
    catalogue = Catalogue.load(SUPPORT / "products.yml")
    kb = load_knowledge_base(ROOT / "data" / "faq", catalogue.fill)
    return load_meaning(SUPPORT / "urgency_examples.yml", Settings.from_env().embedding_cache_file,
                        ordinary_questions(kb), catalogue)


@pytest.fixture(scope="module")
def either(meaning):
    return EitherUrgency(UrgencyLexicon.load(SUPPORT / "priorities.yml"), meaning)


# Written for this test; in neither the examples nor an evaluation set.
TOLD_WITHOUT_THE_LEXICONS_WORDS = [
    pytest.param("加我微信的人说是京东金融的 说我大学时的贷款没注销会影响征信 让我把钱转到他给的账户去核验", FRAUD,
                 id="student-loan-cancellation"),
    pytest.param("对方说是我领导 换了个新号 让我先帮他给一个供应商打两万过去 我刚打完 现在打他原来的电话他说不知道这事",
                 FRAUD, id="boss-new-number"),
    pytest.param("手机前天落在出租车上了 今天补了卡登进来一看卡里少了八千多", THEFT, id="phone-left-in-taxi"),
    pytest.param("早上起来看余额只剩两百了 昨天还有四千多 我一分没花", THEFT, id="balance-drained"),
]
ORDINARY = [
    pytest.param("转账一直显示处理中 已经两个小时了", id="pending-transfer"),
    pytest.param("怎么关掉免密支付", id="how-to"),
    pytest.param("验证码一直收不到 换了手机号以后就这样", id="sms"),
    pytest.param("我想知道每个月扣的那个12块是什么会员 能退吗", id="subscription"),
    pytest.param("卡里被扣了一笔不认识的钱 是不是开了什么会员", id="unknown-charge"),
    pytest.param("咋又少了15块 我好久没用这个了", id="one-small-charge"),
    pytest.param("零钱里少了40块 也想不起来花哪了", id="a-small-sum-missing"),
    pytest.param("转了一万五 手续费收了十五块 你们怎么这么贵", id="a-fee"),
]


@pytest.mark.parametrize("text, kind", TOLD_WITHOUT_THE_LEXICONS_WORDS)
def test_a_story_the_lexicon_misses_is_urgent_by_meaning(either, text, kind):
    assert either.lexicon.signals(text) == []
    assert [(s.kind, s.evidence) for s in either.signals(text)] == [(kind, EVIDENCE)]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_problems_told_with_the_same_words_are_not(either, text):
    assert either.signals(text) == [] and not either.any_in([text])


def test_what_the_lexicon_finds_is_answered_by_the_lexicon(either):
    signals = either.signals("我的账号被盗了")
    assert [s.kind for s in signals] == [THEFT] and signals[0].evidence != EVIDENCE


def test_an_empty_message_tells_nothing(meaning):
    assert meaning.signals("") == [] and meaning.signals("   ") == []


def test_a_message_is_read_once_and_short_ones_never(either, monkeypatch):
    calls = []
    read = either.meaning.probabilities
    monkeypatch.setattr(either.meaning, "probabilities",
                        lambda texts, vectors=None: calls.extend(texts) or read(texts, vectors))
    story = "手机前天落在出租车上了 今天补了卡登进来一看卡里少了八千多 真的急"
    assert either.any_in([story, "好的", story]) and either.signals(story)
    # Asked again at another threshold, or whether it is surely ordinary: not read again.
    assert either.strict().signals(story) and not either.rules_out(story)
    assert calls == [story]


def test_a_carried_embedding_is_read_instead_of_embedding_again(meaning, monkeypatch):
    story = "手机前天落在出租车上了 今天补了卡登进来一看卡里少了八千多"
    vector = meaning._encoder.encode([story])[0]
    monkeypatch.setattr(meaning._encoder, "encode", lambda texts: pytest.fail("embedded again"))
    assert [s.kind for s in meaning.signals(story, vector)] == [THEFT]


@pytest.mark.parametrize("text, kinds", [
    pytest.param("卡里少了30块 我没买东西", [], id="a-small-sum-is-an-unknown-charge-first"),
    pytest.param("卡里少了3000 我没买东西", [THEFT], id="a-large-sum-is-theft"),
    pytest.param("卡里的钱没了 我没买东西", [THEFT], id="no-sum-named"),
])
def test_theft_read_by_meaning_needs_more_than_a_small_sum(meaning, monkeypatch, text, kinds):
    monkeypatch.setattr(meaning, "probabilities", lambda texts, vectors=None: [{THEFT: 0.9, FRAUD: 0.0}])
    assert [s.kind for s in meaning.signals(text)] == kinds


def test_strict_reading_keeps_sure_stories_and_drops_borderline_anger(either):
    # Anger asking for a person or a complaint reads like alarm: strict meaning is sure or silent.
    strict = either.strict()
    assert strict is either.strict() and strict.meaning.threshold > either.meaning.threshold
    assert strict.signals("有人冒充你们客服 让我把五千转到一个陌生账户 现在打不通了")
    assert not strict.signals("你们就是瞧不起我们这些打工的 有钱的想借多少都行")


def test_meaning_is_sure_of_an_ordinary_lockout_but_never_of_a_story_or_a_short_message(either):
    assert either.rules_out("我是帮我外婆弄的 她的账号登不上了 说是被锁了")
    assert not either.rules_out("早上起来看余额只剩两百了 昨天还有四千多 我一分没花")
    assert not either.rules_out("钱没了")  # too short to read by meaning
    assert not either.rules_out("卡被盗刷了 三千")  # the lexicon's words


def test_product_names_are_read_as_the_nlu_carries_them(meaning):
    # The NLU's vector reads 星花 as 信用付 (bot.semantics.plain); so does the model.
    text = "星花额度突然从八千降到两千 我一直按时还的"
    carried = shared_encoder(1).encode([read_as_nlu(text, Catalogue.load(SUPPORT / "products.yml"))])
    assert meaning.probabilities([text])[0] == pytest.approx(meaning.probabilities([text], carried)[0], abs=1e-4)
