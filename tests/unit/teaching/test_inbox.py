"""The misunderstood inbox with a stand-in encoder: groups by meaning, largest then newest
first; decisions take messages out; the leak guard refuses evaluation sentences."""
import time
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from bot.storage.engine import make_engine
from bot.storage.inbox import InboxStore
from bot.teaching import inbox as inbox_module
from bot.teaching.examples import CloseSentences, KnownExamples, bigrams, normalise
from bot.teaching.inbox import Inbox, InboxGroup, build_groups
from bot.teaching.inbox_sources import InboxMessage
from bot.teaching.inbox_vectors import MessageVectors, centred
from bot.teaching.misread import FAQ_NOT_FOUND, LOW_CONFIDENCE
from bot.text.catalogue import Catalogue
from tests.support.servers import ROOT

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)
CATALOGUE = Catalogue.load(ROOT / "data" / "support" / "products.yml")
# The stand-in encoder's meanings: texts of one meaning get one direction.
MEANINGS = {"月月少九块九": 0, "每月自动少三十": 0, "卡里莫名少了二十": 0, "提现还没到": 1, "提现两天没到账": 1,
            "你们几点下班": 2, "收不到验证码啊": 3, "客服电话多少": 4}
EVALUATION = ["收不到验证码", "人工客服的电话号码是多少呢"]


def fake_embed(texts):
    rows = np.zeros((len(texts), 8), dtype=np.float32)
    for i, text in enumerate(texts):
        rows[i, MEANINGS.get(text, 7)] = 1.0
        rows[i, 5 + len(text) % 2] = 0.1  # a little of what every text shares
    return rows


def message(key, text, hours_ago, sources=(LOW_CONFIDENCE,), intent="inform", sender="alice"):
    return InboxMessage((key,), sender, text, NOW - timedelta(hours=hours_ago), sources, intent)


class Sources:
    def __init__(self, messages):
        self.messages = list(messages)

    def read(self, since):
        return sorted((m for m in self.messages if m.at >= since), key=lambda m: m.at, reverse=True)


def known():
    evaluation = [normalise(t, CATALOGUE) for t in EVALUATION]
    return KnownExamples(frozenset({normalise("你们几点下班", CATALOGUE)}), frozenset(evaluation), CATALOGUE,
                         CloseSentences(bigrams(t, CATALOGUE) for t in EVALUATION))


MESSAGES = [message("t1-1", "月月少九块九", 30), message("t2-2", "每月自动少三十", 20),
            message("t3-3", "卡里莫名少了二十", 10), message("t4-4", "提现还没到", 5, (FAQ_NOT_FOUND,)),
            message("t5-5", "提现两天没到账", 1), message("t6-6", "你们几点下班", 2),
            message("t7-7", "月月少九块九", 3, sender="bob")]


@pytest.fixture
def inbox(migrated_db_url):
    vectors = MessageVectors(fake_embed, lambda: np.zeros(8, dtype=np.float32), CATALOGUE)
    return Inbox(Sources(MESSAGES), InboxStore(make_engine(migrated_db_url), clock=lambda: NOW), vectors, known,
                 lambda text: text.replace("13812345678", "138****5678"), threshold=0.9, clock=lambda: NOW)


def texts(group: InboxGroup):
    return [m.text for m in group.messages]


def test_alike_messages_are_one_group_largest_first_then_newest(inbox):
    groups, preparing = inbox.groups(7)
    assert preparing is None
    assert [texts(g) for g in groups] == [
        ["月月少九块九", "卡里莫名少了二十", "每月自动少三十", "月月少九块九"],
        ["提现两天没到账", "提现还没到"],  # two, newest 1 hour ago
        ["你们几点下班"]]
    first = groups[0]
    assert first.count == 4 and first.newest == NOW - timedelta(hours=3)
    assert [m.text for m in first.examples()] == ["月月少九块九", "卡里莫名少了二十", "每月自动少三十"]
    assert groups[1].sources() == [(LOW_CONFIDENCE, 1), (FAQ_NOT_FOUND, 1)]
    assert first.intent() == "inform"


def test_of_two_groups_of_one_size_the_one_with_the_newer_message_comes_first():
    vectors = centred(fake_embed(["提现还没到", "你们几点下班"]), np.zeros(8))
    groups = build_groups([message("a-1", "提现还没到", 5), message("b-2", "你们几点下班", 2)], vectors, 0.9)
    assert [texts(g) for g in groups] == [["你们几点下班"], ["提现还没到"]]


def test_approved_messages_leave_the_inbox_and_feed_the_store(inbox):
    outcome = inbox.approve(["t1-1", "t7-7", "t2-2"], "billing_issue", "lead")
    assert (outcome.done, outcome.refused, outcome.missing) == (3, [], 0)
    assert sorted((r.text, r.intent) for r in inbox.store.approved()) == [
        ("月月少九块九", "billing_issue"), ("月月少九块九", "billing_issue"), ("每月自动少三十", "billing_issue")]
    groups, _ = inbox.groups(7)
    assert ["卡里莫名少了二十"] in [texts(g) for g in groups]
    assert inbox.approve(["t1-1"], "billing_issue", "lead").missing == 1  # decided already


def test_the_leak_guard_refuses_evaluation_sentences_and_their_close_paraphrases(inbox):
    inbox.sources.messages += [message("t8-8", "收不到验证码啊", 1), message("t9-9", "人工客服电话号码是多少呢", 1),
                               message("t10-10", "你们几点下班", 1)]
    outcome = inbox.approve(["t8-8", "t9-9", "t10-10", "t5-5"], "general_question", "lead")
    assert outcome.done == 1
    assert sorted((r.text, r.why) for r in outcome.refused) == [
        ("人工客服电话号码是多少呢", "evaluation"), ("你们几点下班", "training"), ("收不到验证码啊", "evaluation")]
    assert [r.text for r in inbox.store.approved()] == ["提现两天没到账"]
    left = {m.key for m in inbox.pending(7)}
    assert {"t8-8", "t9-9", "t10-10", "t6-6"} <= left  # refused messages stay for another decision


def test_one_sentence_cannot_be_approved_as_two_intents(inbox):
    inbox.approve(["t1-1"], "billing_issue", "lead")
    outcome = inbox.approve(["t7-7"], "transfer_failed", "lead")
    assert (outcome.done, [r.why for r in outcome.refused]) == (0, ["conflict"])


def test_ignored_messages_stay_hidden_and_new_ones_like_them_come_in_again(inbox):
    assert inbox.ignore(["t4-4", "t5-5"], "lead").done == 2
    assert all("提现" not in m.text for m in inbox.pending(7))
    inbox.sources.messages.append(message("t11-11", "提现还没到", 0.5))
    assert [m.key for m in inbox.pending(7) if "提现" in m.text] == ["t11-11"]


def test_faq_questions_leave_out_what_the_knowledge_base_has(inbox):
    messages, questions, refused, missing = inbox.questions(["t4-4", "t5-5", "t6-6", "t99-9"], ["提现还没到"])
    assert questions == ["提现两天没到账", "你们几点下班"]  # an NLU example may be a FAQ question
    assert [(r.text, r.why) for r in refused] == [("提现还没到", "known_question")]
    assert missing == 1
    inbox.mark_in_faq(messages, "lead")
    assert {"t5-5", "t6-6"}.isdisjoint(m.key for m in inbox.pending(7))


def test_many_new_messages_are_embedded_in_the_background(inbox, monkeypatch):
    monkeypatch.setattr(inbox_module, "INLINE", 2)
    groups, preparing = inbox.groups(7)
    assert groups == [] and preparing is not None and preparing.total == 6
    deadline = time.monotonic() + 10
    while preparing is not None and time.monotonic() < deadline:
        time.sleep(0.05)
        groups, preparing = inbox.groups(7)
    assert preparing is None and len(groups) == 3


def test_the_period_is_the_last_days(inbox):
    inbox.sources.messages.append(message("t12-12", "很久以前的话", 24 * 20))
    assert "很久以前的话" not in [m.text for m in inbox.pending(7)]
    assert "很久以前的话" in [m.text for m in inbox.pending(30)]


def test_the_inbox_never_loads_rasa_or_tensorflow():
    from tests.unit.test_imports import loaded_after

    assert loaded_after("import bot.console.inbox, bot.teaching.inbox, bot.teaching.inbox_vectors") == []


def test_without_the_encoder_only_identical_texts_are_grouped(migrated_db_url):
    from bot.semantics.engine import EncoderUnavailable

    def no_encoder(texts):
        raise EncoderUnavailable("no AVX2 and no C compiler")

    vectors = MessageVectors(no_encoder, lambda: np.zeros(8, dtype=np.float32), CATALOGUE)
    inbox = Inbox(Sources(MESSAGES), InboxStore(make_engine(migrated_db_url)), vectors, known, str, clock=lambda: NOW)
    groups, preparing = inbox.groups(7)
    assert preparing is None and [g.count for g in groups] == [2, 1, 1, 1, 1, 1]
