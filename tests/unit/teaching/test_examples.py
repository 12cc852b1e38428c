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


def test_a_close_paraphrase_of_an_evaluation_sentence_is_evaluation_too(known):
    holdout = examples_by_intent([ROOT / "tests" / "nlu" / "holdout.yml"])
    sentence = max((e for found in holdout.values() for e in found), key=len)
    assert known.where(sentence[:-1] + "啊") == "evaluation"  # one character changed


def test_the_blind_sets_are_evaluation_sentences(known):
    from bot.teaching.examples import blind_sentences

    sentences = blind_sentences(ROOT)
    assert len(sentences) > 100
    assert known.where(max(sentences, key=len)) == "evaluation"


def test_the_real_development_set_is_read_when_given(tmp_path):
    real_dev = tmp_path / "real_dev.tsv"
    real_dev.write_text("intent\ttext\tsource\nbilling_issue\t这个月的年费怎么扣了两遍呀\tatec\n", encoding="utf-8")
    with_it = KnownExamples.load(ROOT, CATALOGUE, real_dev)
    assert with_it.where("这个月的年费怎么扣了两遍呀") == "evaluation"
    assert with_it.where("这个月的年费怎么扣了两遍") == "evaluation"  # close
    assert KnownExamples.load(ROOT, CATALOGUE, tmp_path / "absent.tsv").where("这个月的年费怎么扣了两遍呀") == ""
