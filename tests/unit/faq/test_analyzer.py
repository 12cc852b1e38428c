import pytest

from bot.faq.analyzer import Analyzer

SYNONYMS = [["验证码", "动态码", "OTP", "驗證碼"], ["转账", "轉帳", "汇款"]]


@pytest.fixture
def analyzer():
    return Analyzer(SYNONYMS, stopwords=["我", "了"])


@pytest.mark.parametrize(
    "text, expected_word",
    [("动态码收不到", "验证码"), ("otp收不到", "验证码"), ("驗證碼", "验证码"),
     ("轉帳失败", "转账"), ("汇款失败", "转账")],
)
def test_synonyms_fold_to_the_canonical_word(analyzer, text, expected_word):
    assert expected_word in analyzer(text)


def test_stopwords_and_punctuation_are_dropped_but_bigrams_kept(analyzer):
    terms = analyzer("我转账失败了！！")
    assert "我" not in terms and "！！" not in terms and "!!" not in terms
    assert "#转账" in terms and "#失败" in terms


def test_full_width_text_is_normalised(analyzer):
    assert analyzer("ＯＴＰ") == analyzer("otp")


def test_traditional_characters_read_as_simplified(analyzer):
    assert analyzer("餘額不足 無法付款") == analyzer("余额不足 无法付款")
