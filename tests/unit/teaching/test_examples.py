"""The export compares sentences as the leak guard does (tests/unit/data/test_training_data.py)."""
import pytest

from bot.teaching.examples import KnownExamples, examples_by_intent, normalise
from bot.text.catalogue import Catalogue
from tests.support.servers import ROOT

CATALOGUE = Catalogue.load(ROOT / "data" / "support" / "products.yml")


@pytest.fixture(scope="module")
def known():
    return KnownExamples.load(ROOT, CATALOGUE)


@pytest.mark.parametrize("path", sorted((ROOT / "tests" / "nlu").glob("*.yml")), ids=lambda p: p.stem)
def test_every_evaluation_example_is_known_as_evaluation(known, path):
    examples = examples_by_intent([path])
    assert {known.where(e) for found in examples.values() for e in found} == {"evaluation"}


def test_training_examples_are_known_as_training(known):
    examples = examples_by_intent(sorted((ROOT / "data" / "nlu").glob("*.yml")))
    assert {known.where(e) for found in examples.values() for e in found} == {"training"}


@pytest.mark.parametrize("a, b", [
    pytest.param("收不到 验证码！", "收不到验证码", id="spaces-and-punctuation"),
    pytest.param("HELLO", "hello", id="case"),
    pytest.param(f"{CATALOGUE.names['savings']}提现失败", "{savings}提现失败", id="product-as-placeholder"),
    pytest.param("转账[5000块](amount)失败", "转账5000块失败", id="entity-markup-removed-by-the-reader"),
])
def test_what_does_not_make_two_sentences_different(a, b):
    from bot.teaching.examples import plain

    assert normalise(plain(a), CATALOGUE) == normalise(b, CATALOGUE)


def test_a_new_sentence_is_not_known(known):
    assert known.where("这句话从来没有人写进训练数据里") == ""
