"""The text the encoder reads: product mentions as plain words, simplified characters."""
import pytest

from bot.semantics import plain_text
from bot.text.catalogue import Catalogue
from tests.support.servers import ROOT

CATALOGUE = Catalogue.load(ROOT / "data" / "support" / "products.yml")


@pytest.mark.parametrize("text, expected", [
    pytest.param("{pay_later}被冻结了", "信用付被冻结了", id="placeholder"),
    pytest.param("星花被冻结了", "信用付被冻结了", id="catalogue-name"),
    pytest.param("兴花被凍結了", "信用付被冻结了", id="misspelt-alias-traditional"),
    pytest.param("星汇宝的钱转不出去 星借也借不了", "余额理财的钱转不出去 借款也借不了", id="two-kinds"),
    pytest.param("  验证码收不到 ", "验证码收不到", id="no-mention"),
])
def test_training_placeholders_and_customer_names_read_alike(text, expected):
    mentions = [(m.start, m.end, m.kind) for m in CATALOGUE.mentions(text)]
    assert plain_text(text, mentions) == expected


def test_unknown_kind_reads_as_its_name():
    assert plain_text("xx用不了", [(0, 2, "wallet")]) == "wallet用不了"
