"""Corrections as a training file: what goes in, what is left out, and that Rasa reads it."""
from datetime import datetime, timezone

import pytest

from bot.pii import default_redactor
from bot.storage.corrections import CorrectionRecord
from bot.storage.models import NEW_FAQ_QUESTION
from bot.teaching.examples import KnownExamples, examples_by_intent
from bot.teaching.intents import domain_intents
from bot.teaching.nlu_export import export_nlu
from bot.text.catalogue import Catalogue
from tests.support.servers import ROOT

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
CATALOGUE = Catalogue.load(ROOT / "data" / "support" / "products.yml")
INTENTS = domain_intents(ROOT / "domain.yml")


@pytest.fixture(scope="module")
def known():
    return KnownExamples.load(ROOT, CATALOGUE)


def correction(text, intent, kind="intent", predicted="billing_issue", number="T20261202-0001", position=0):
    return CorrectionRecord(number, position, kind, text, predicted, intent, "wang", NOW, "transfer_failed", None)


def keep(text):
    return text


def test_a_corrected_turn_becomes_an_example_of_the_right_intent(known):
    export = export_nlu([correction("给房东转的房租 显示成功了但房东说没到", "transfer_failed")],
                        known, INTENTS, keep, NOW)
    assert export.examples == {"transfer_failed": ["给房东转的房租 显示成功了但房东说没到"]}
    assert export.yaml.startswith('version: "3.1"\n')
    assert "- intent: transfer_failed\n  examples: |\n    - 给房东转的房租 显示成功了但房东说没到\n" in export.yaml


def test_examples_the_nlu_already_knows_are_left_out(known):
    training = examples_by_intent([ROOT / "data" / "nlu" / "conversation.yml"])["request_human"][0]
    holdout = examples_by_intent([ROOT / "tests" / "nlu" / "holdout.yml"])["billing_issue"][0]
    # the leak guard's comparison: case, spaces and punctuation do not count
    export = export_nlu([correction(training.upper() + "！！", "greet"), correction(f" {holdout}。", "greet")],
                        known, INTENTS, keep, NOW)
    assert export.examples == {}
    assert [s.why for s in export.skipped] == ["training", "evaluation"]
    assert "nlu: []" in export.yaml


def test_a_sentence_labelled_with_two_intents_is_left_for_a_reviewer(known):
    export = export_nlu([correction("钱被扣了两次 到底怎么回事呢", "billing_issue", position=0),
                         correction("钱被扣了两次，到底怎么回事呢？", "transfer_failed", position=5),
                         correction("钱被扣了两次 到底怎么回事呢", "billing_issue", position=9)],
                        known, INTENTS, keep, NOW)
    assert export.examples == {}
    assert [s.why for s in export.skipped] == ["conflict"]


def test_repeats_are_written_once_and_intents_in_the_domain_s_order(known):
    export = export_nlu([correction("卡被锁住了今天一整天都登不上去", "account_locked"),
                         correction("我想问一下你们周末上不上班呀", "general_question"),
                         correction("卡被锁住了 今天一整天都登不上去！", "account_locked")],
                        known, INTENTS, keep, NOW)
    assert list(export.examples) == sorted(export.examples, key=INTENTS.index)
    assert export.examples["account_locked"] == ["卡被锁住了今天一整天都登不上去"]


def test_answers_new_faq_questions_and_unknown_intents_are_not_training_examples(known):
    export = export_nlu([correction("机器人答非所问", None, kind="answer"),
                         correction("你们的年费是怎么收的", NEW_FAQ_QUESTION),
                         correction("随便一句没人说过的话啊", "no_such_intent"),
                         correction("   ", "greet")], known, INTENTS, keep, NOW)
    assert export.examples == {} and export.answers_marked_wrong == 1
    assert sorted(s.why for s in export.skipped) == ["empty", "unknown_intent"]


def test_product_names_become_placeholders_and_brackets_are_not_entity_markup(known):
    name = CATALOGUE.names["pay_later"]
    export = export_nlu([correction(f"{name}的[账单](bill)\n怎么 多了一笔", "billing_issue")],
                        known, INTENTS, keep, NOW)
    assert export.examples == {"billing_issue": ["{pay_later}的［账单］(bill) 怎么 多了一笔"]}


def test_no_unmasked_personal_data_reaches_the_file(known):
    redactor = default_redactor()
    leaked = "手机13812345678收不到验证码 已经等了好久 验证码是 482913"
    export = export_nlu([correction(leaked, "sms_code_delay")], known, INTENTS,
                        lambda text: redactor.redact(text).text, NOW)
    [example] = export.examples["sms_code_delay"]
    assert "13812345678" not in export.yaml and "482913" not in export.yaml
    assert "138****5678" in example


def test_rasa_s_reader_reads_the_export(tmp_path, known):
    from rasa.shared.nlu.training_data.loading import load_data

    texts = {"给房东转的房租 显示成功了但房东说没到": "transfer_failed",
             "钱包里的钱突然少了12块 也没买东西": "billing_issue",
             "输了三次密码就进不去了 现在咋整": "account_locked"}
    export = export_nlu([correction(t, i, position=n) for n, (t, i) in enumerate(texts.items())],
                        known, INTENTS, keep, NOW)
    path = tmp_path / "corrections.yml"
    path.write_text(export.yaml, encoding="utf-8")
    data = load_data(str(path))
    assert {m.get("text"): m.get("intent") for m in data.intent_examples} == texts
    assert all(not m.get("entities") for m in data.intent_examples)


def test_examples_approved_in_the_inbox_join_the_corrections_through_the_same_checks(known):
    holdout = examples_by_intent([ROOT / "tests" / "nlu" / "holdout.yml"])["billing_issue"][0]
    export = export_nlu([correction("钱被扣了两次 到底怎么回事呢", "billing_issue")], known, INTENTS, keep, NOW,
                        approved=[("月月少九块九", "billing_issue"),
                                  ("钱被扣了两次，到底怎么回事呢", "transfer_failed"),
                                  (holdout, "billing_issue"), ("每月自动少三十", "billing_issue")])
    assert export.examples == {"billing_issue": ["月月少九块九", "每月自动少三十"]}
    assert sorted(s.why for s in export.skipped) == ["conflict", "evaluation"]
