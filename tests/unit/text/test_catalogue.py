"""The product catalogue: names, aliases and placeholders found, texts filled."""
import pytest

from bot.text.catalogue import Catalogue, CatalogueError
from tests.support.servers import ROOT

CATALOGUE = Catalogue.load(ROOT / "data" / "support" / "products.yml")


@pytest.mark.parametrize("text, found", [
    pytest.param("星汇宝里的钱转不出来", [("星汇宝", "savings")], id="name"),
    pytest.param("兴花被冻结了", [("兴花", "pay_later")], id="misspelling"),
    pytest.param("星汇APP打不开 星汇VIP又扣费", [("星汇APP", "app"), ("星汇VIP", "membership")], id="longest-first"),
    pytest.param("xinghui上{loan}还款失败", [("xinghui", "app"), ("{loan}", "loan")], id="placeholder-and-latin"),
    pytest.param("转账失败了", [], id="none"),
])
def test_mentions(text, found):
    assert [(text[m.start:m.end], m.kind) for m in CATALOGUE.mentions(text)] == found


def test_fill_and_normalise_are_each_others_inverse_on_names():
    assert CATALOGUE.fill("请在{app}里打开{savings}") == "请在星汇钱包里打开星汇宝"
    assert CATALOGUE.normalise("星会宝提现没到 星借也借不了") == "{savings}提现没到 {loan}也借不了"


def test_an_alias_claimed_by_two_kinds_is_an_error(tmp_path):
    path = tmp_path / "products.yml"
    path.write_text("app: {name: 甲钱包}\nproducts:\n  savings: {name: 甲宝, aliases: [宝宝]}\n"
                    "  loan: {name: 甲借, aliases: [宝宝]}\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="宝宝"):
        Catalogue.load(path)


def test_a_product_without_a_name_is_an_error(tmp_path):
    path = tmp_path / "products.yml"
    path.write_text("app: {name: 甲钱包}\nproducts:\n  savings: {aliases: [甲宝]}\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="savings"):
        Catalogue.load(path)
