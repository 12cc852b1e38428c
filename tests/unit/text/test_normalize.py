import pytest

from bot.text.normalize import amount_within, normalize_phone, parse_amount, parse_rating, sums_in


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("13812345678", "13812345678", id="plain"),
        pytest.param("138 1234 5678", "13812345678", id="spaces"),
        pytest.param("138-1234-5678", "13812345678", id="dashes"),
        pytest.param("+86 13912345678", "13912345678", id="plus86"),
        pytest.param("+8613912345678", "13912345678", id="plus86-joined"),
        pytest.param("008615800001111", "15800001111", id="0086"),
        pytest.param("010-12345678", None, id="landline"),
        pytest.param("12345678901", None, id="not-a-mobile-prefix"),
        pytest.param("1381234567", None, id="too-short"),
        pytest.param("手机号", None, id="no-digits"),
    ],
)
def test_normalize_phone(text, expected):
    assert normalize_phone(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("5000块", 5000.0, id="kuai"),
        pytest.param("¥200", 200.0, id="yen-sign"),
        pytest.param("￥ 88.5", 88.5, id="fullwidth-yen"),
        pytest.param("两千元", 2000.0, id="chinese-numeral"),
        pytest.param("1.5万", 15000.0, id="wan-decimal"),
        pytest.param("3,000元", 3000.0, id="thousands-comma"),
        pytest.param("一百二十八块", 128.0, id="chinese-compound"),
        pytest.param("2万块钱", 20000.0, id="wan-kuaiqian"),
        pytest.param("5000", 5000.0, id="bare-number"),
        pytest.param("0元", None, id="zero"),
        pytest.param("好多钱", None, id="not-a-number"),
        pytest.param("", None, id="empty"),
    ],
)
def test_parse_amount(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text, expected", [
    pytest.param("两百多 上个月", 200.0, id="round-figure-then-time"),
    pytest.param("amount是1500 yesterday晚上转的", 1500.0, id="mixed-english"),
    pytest.param("每个月15块 从一月开始扣的", 15.0, id="figure-with-unit-in-a-sentence"),
    pytest.param("有一条写着收款1000", 1000.0, id="one-bare-number"),
    pytest.param("一次500 一次300", None, id="two-figures"),
    pytest.param("昨天下午3点", None, id="an-hour"),
    pytest.param("3次", None, id="a-count"),
    pytest.param("iPhone15", None, id="part-of-a-name"),
    pytest.param("DD20261120334455", None, id="an-order-number"),
    pytest.param("挺多的", None, id="no-figure"),
    pytest.param("卡尾号1234 昨天 建行", None, id="the-end-of-a-card-number"),
])
def test_amount_within(text, expected):
    assert amount_within(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("5", 5), ("五", 5), ("4分", 4), ("三星", 3), ("1", 1), ("0", None), ("10", None), ("很好", None)],
)
def test_parse_rating(text, expected):
    assert parse_rating(text) == expected


@pytest.mark.parametrize("text, expected", [
    pytest.param("又扣了我25块钱 还有一笔9.9元", [25.0, 9.9], id="with-units"),
    pytest.param("转了两万 手续费扣20", [20000.0, 20.0], id="ten-thousands-and-a-bare-figure"),
    pytest.param("卡里少了3千多", [3000.0], id="thousands"),
    pytest.param("下午3点扣了0.1%", [], id="an-hour-and-a-rate"),
    pytest.param("钱没了", [], id="none"),
])
def test_sums_in(text, expected):
    assert sums_in(text) == expected
