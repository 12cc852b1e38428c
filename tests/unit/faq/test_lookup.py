import hashlib
import os
import threading
import time

import numpy as np
import pytest

from bot.faq.lookup import NOT_COVERED, NOT_FOR_FAQ, URGENT, FaqService
from bot.urgency import FRAUD, THEFT, Signal, UrgencyLexicon
from tests.support.faq_kb import ROOT, SAMPLE_ENTRIES, write_kb


def test_best_entry_answers(tmp_path):
    service = FaqService(write_kb(tmp_path))
    result = service.lookup("动态码一直收不到", "sms_code_delay")
    assert result.answer is not None and result.answer.id == "sms_not_received"


def test_intents_that_are_not_questions_get_no_answer(tmp_path):
    service = FaqService(write_kb(tmp_path))
    assert service.lookup("收不到验证码", "greet").answer is None


def test_text_without_known_terms_gets_no_answer(tmp_path):
    service = FaqService(write_kb(tmp_path))
    assert service.lookup("！！！", None).answer is None


def test_editing_a_file_changes_the_answer_without_restart(tmp_path):
    service = FaqService(write_kb(tmp_path))
    assert service.lookup("怎么关闭自动续费", "billing_issue").answer.answer.startswith("在「我的")
    edited = {**SAMPLE_ENTRIES, "billing": [{**SAMPLE_ENTRIES["billing"][0], "answer": "新的答案"}]}
    write_kb(tmp_path, edited)
    later = time.time() + 5
    os.utime(tmp_path / "billing.yml", (later, later))  # mtime resolution on some filesystems
    assert service.lookup("怎么关闭自动续费", "billing_issue").answer.answer == "新的答案"


def test_entry_by_id(tmp_path):
    service = FaqService(write_kb(tmp_path))
    assert service.entry("sms_expired").answer.startswith("验证码 5 分钟")
    assert service.entry("no_such_id") is None


def test_a_malformed_edit_keeps_the_last_good_index_and_is_logged_once(tmp_path, caplog):
    directory = write_kb(tmp_path)
    service = FaqService(directory)
    good = service.index
    broken = directory / "sms.yml"
    broken.write_text("entries:\n  - id: half_saved\n    questions: [", encoding="utf-8")
    os.utime(broken, ns=(time.time_ns(), time.time_ns() + 10**9))  # a new mtime even on coarse clocks
    with caplog.at_level("ERROR", logger="bot.faq.lookup"):
        assert service.index is good
        assert service.lookup("动态码一直收不到", "sms_code_delay").answer.id == "sms_not_received"
        assert service.index is good
    assert len(caplog.records) == 1 and "last good version" in caplog.records[0].message


def test_without_any_good_version_it_says_so(tmp_path):
    from bot.faq.lookup import FaqUnavailable

    directory = write_kb(tmp_path)
    (directory / "sms.yml").write_text("not: [valid", encoding="utf-8")
    with pytest.raises(FaqUnavailable):
        FaqService(directory).lookup("验证码", "sms_code_delay")


LEXICON = UrgencyLexicon.load(ROOT / "data" / "support" / "priorities.yml")


@pytest.mark.parametrize("text, intent, entry, kind", [
    pytest.param("凌晨两点余额少了三千 那时候我在睡觉", "billing_issue", "account_stolen_suspected", THEFT,
                 id="night-theft-told-as-billing"),
    pytest.param("登录设备里有台陌生手机", "account_locked", "account_stolen_suspected", THEFT, id="unknown-device"),
    pytest.param("说是客服让我把验证码念给他 我念了 钱就没了", "sms_code_delay", "transfer_fraud_scam", FRAUD,
                 id="fraud-told-as-sms"),
    pytest.param("被骗了 转了两万", "inform", "transfer_fraud_scam", FRAUD, id="a-detail-with-a-stricter-threshold"),
    pytest.param("被骗了 转了两万", None, "transfer_fraud_scam", FRAUD, id="no-intent"),
])
def test_theft_and_fraud_get_the_urgent_entry_of_their_kind(tmp_path, text, intent, entry, kind):
    result = FaqService(write_kb(tmp_path), urgency=LEXICON).lookup(text, intent)
    assert result.answer is not None and result.answer.id == entry and result.answer.urgent
    assert result.reason == URGENT and result.signal is not None and result.signal.kind == kind


def test_an_urgent_answer_offers_the_best_other_entry_beside_it(tmp_path):
    result = FaqService(write_kb(tmp_path), urgency=LEXICON).lookup(
        "有人自称客服打电话要验证码 我告诉他了 钱被转走了 现在还收不到验证码", "sms_code_delay")
    assert result.reason == URGENT
    assert "sms_not_received" in [e.id for e in result.suggestions]
    assert not {"account_stolen_suspected", "transfer_fraud_scam"} & {e.id for e in result.suggestions}


def test_a_story_a_more_exact_safety_entry_answers_gets_that_entry(tmp_path):
    # Read as fraud (here by the lexicon's words), but the account was lent out to pass
    # money on: the lending entry ranks first and answers, still as an urgent story.
    result = FaqService(write_kb(tmp_path), urgency=LEXICON).lookup("骗子让我帮朋友用我的账户收钱再转给他",
                                                                    "transfer_failed")
    assert result.reason == URGENT and result.answer.id == "general_account_lending_risk"
    result = FaqService(write_kb(tmp_path), urgency=LEXICON).lookup("遇到诈骗了 骗子让我转账", "transfer_failed")
    assert result.answer.id == "transfer_fraud_scam"


def test_theft_told_in_a_message_the_nlu_took_for_out_of_scope_still_gets_the_urgent_answer(tmp_path):
    result = FaqService(write_kb(tmp_path), urgency=LEXICON).lookup("我的账号被盗了", "out_of_scope")
    assert result.reason == URGENT and result.answer.id == "account_stolen_suspected"


def test_a_message_the_nlu_did_not_route_gets_no_answer_otherwise(tmp_path):
    result = FaqService(write_kb(tmp_path), urgency=LEXICON).lookup("转账限额是多少", "out_of_scope")
    assert result.answer is None and result.reason == NOT_FOR_FAQ


def test_without_a_lexicon_theft_is_searched_like_anything_else(tmp_path):
    result = FaqService(write_kb(tmp_path)).lookup("凌晨两点余额少了三千 那时候我在睡觉", "billing_issue")
    assert result.reason != URGENT


class SureItIsOrdinary:
    """The lexicon, and a meaning that is sure (or not) that a message tells no theft or scam."""

    def __init__(self, sure: bool) -> None:
        self.sure = sure

    def signals(self, text, vector=None):
        return LEXICON.signals(text)

    def rules_out(self, text, vector=None):
        return self.sure


@pytest.mark.parametrize("sure, urgent_given", [(True, False), (False, True)])
def test_the_urgent_answer_comes_by_likeness_alone_only_while_meaning_has_a_doubt(tmp_path, sure, urgent_given):
    service = FaqService(write_kb(tmp_path), urgency=SureItIsOrdinary(sure))
    result = service.lookup("有人登录了我的账户", "account_locked")
    assert result.reason != URGENT
    assert (result.answer is not None and result.answer.id == "account_stolen_suspected") is urgent_given


class UnsureOfAScam:
    """A meaning that reads every message as a scam, but never surely."""

    def signals(self, text, vector=None):
        return [Signal(FRAUD, ("（按整句意思识别）",))]

    def rules_out(self, text, vector=None):
        return False

    def strict(self):
        return LEXICON


@pytest.mark.parametrize("strict, urgent_given", [(False, True), (True, False)])
def test_a_strict_lookup_reads_urgency_only_when_it_is_plain(tmp_path, strict, urgent_given):
    service = FaqService(write_kb(tmp_path), urgency=UnsureOfAScam())
    result = service.lookup("想把钱转出来交房租", "transfer_failed", strict=strict)
    assert (result.reason == URGENT) is urgent_given


BENEFITS = {"id": "membership_benefits", "questions": ["会员有什么权益", "会员能打折吗", "会员的生日礼包在哪领"]}


def test_a_topic_the_knowledge_base_does_not_cover_keeps_the_answer_back(tmp_path):
    service = FaqService(write_kb(tmp_path, not_covered=[BENEFITS]))
    # the renewal entry scores above the threshold, but the benefits topic scores higher
    result = service.lookup("会员能打折吗 自动续费", "billing_issue")
    assert result.answer is None and result.reason == NOT_COVERED and result.not_covered == "membership_benefits"
    assert result.score >= 0.12
    assert service.lookup("不想自动扣会员费了", "billing_issue").answer.id == "billing_cancel_renewal"


def test_not_covered_topics_are_never_offered(tmp_path):
    service = FaqService(write_kb(tmp_path, not_covered=[BENEFITS]))
    assert all(m.entry.id != "membership_benefits" for m in service.index.search("会员有什么权益"))


@pytest.mark.parametrize("intent, answered", [
    pytest.param("billing_issue", True, id="in-the-intents-area"),
    pytest.param("sms_code_delay", False, id="outside-it-needs-more"),
    pytest.param("general_question", False, id="general-is-an-area-too"),
    pytest.param("inform", True, id="no-area-no-disagreement"),
])
def test_an_entry_outside_the_predicted_area_needs_the_other_area_threshold(tmp_path, intent, answered):
    service = FaqService(write_kb(tmp_path, settings={"other_area_threshold": 0.99}))
    result = service.lookup("不想自动扣会员费了", intent)
    assert (result.answer is not None) is answered, result


class CountingEmbeddings:
    """Stands in for bot.semantics.Embeddings: a fixed vector per text, and a count of the
    customers' messages it had to embed."""

    def __init__(self):
        self.messages = []

    @staticmethod
    def _vector(text):
        seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "big")
        vector = np.random.default_rng(seed).normal(size=32).astype(np.float32)
        return vector / np.linalg.norm(vector)

    def ours(self, texts):
        return np.stack([self._vector(t) for t in texts])

    def message(self, text):
        self.messages.append(text)
        return self._vector(text)


def test_a_message_without_a_carried_embedding_is_embedded_here(tmp_path):
    embeddings = CountingEmbeddings()
    service = FaqService(write_kb(tmp_path), embeddings=embeddings)
    assert service.index.reads_meaning and not FaqService(write_kb(tmp_path / "w")).index.reads_meaning
    service.lookup("动态码一直收不到", "sms_code_delay")
    assert embeddings.messages == ["动态码一直收不到"]


def test_a_carried_embedding_is_not_computed_again(tmp_path):
    embeddings = CountingEmbeddings()
    service = FaqService(write_kb(tmp_path), embeddings=embeddings)
    service.lookup("动态码一直收不到", "sms_code_delay", vector=embeddings._vector("动态码一直收不到"))
    assert embeddings.messages == []


def test_the_meaning_decides_between_entries_the_words_do_not_tell_apart(tmp_path):
    """Two entries share the message's only word: the one whose questions mean what the
    message means comes first, whichever the words alone put first."""
    embeddings = CountingEmbeddings()
    service = FaqService(write_kb(tmp_path / "meaning"), embeddings=embeddings)
    words_first = FaqService(write_kb(tmp_path / "words")).index.rank("验证码", None).matches[0].entry.id
    other = ({"sms_not_received", "sms_expired"} - {words_first}).pop()
    question = service.index.kb.by_id[other].questions[0]
    ranked = service.index.rank("验证码", None, vector=embeddings._vector(question)).matches
    assert ranked[0].entry.id == other


class SlowEmbeddings(CountingEmbeddings):
    """A rebuild that takes its time (a classifier fit under load), once released."""

    def __init__(self):
        super().__init__()
        self.release = threading.Event()
        self.builds = 0

    def ours(self, texts):
        self.builds += 1
        if self.builds > 1:
            self.release.wait(10)
        return super().ours(texts)


def test_a_slow_rebuild_never_holds_customers_up(tmp_path):
    embeddings = SlowEmbeddings()
    service = FaqService(write_kb(tmp_path), embeddings=embeddings, fresh_wait=0.2)
    assert service.lookup("怎么关闭自动续费", "billing_issue").answer.answer.startswith("在「我的")
    edited = {**SAMPLE_ENTRIES, "billing": [{**SAMPLE_ENTRIES["billing"][0], "answer": "新的答案"}]}
    write_kb(tmp_path, edited)
    later = time.time() + 5
    os.utime(tmp_path / "billing.yml", (later, later))
    started = time.perf_counter()
    old = service.lookup("怎么关闭自动续费", "billing_issue")
    assert time.perf_counter() - started < 2 and old.answer.answer.startswith("在「我的")  # the last index answers
    embeddings.release.set()
    deadline = time.time() + 10
    while service.lookup("怎么关闭自动续费", "billing_issue").answer.answer != "新的答案":
        assert time.time() < deadline, "the rebuilt index never answered"
        time.sleep(0.05)


class Published:
    """The console's published versions, as the action server polls them."""

    def __init__(self):
        self.versions = {}
        self.current = None
        self.down = False

    def published_id(self):
        if self.down:
            raise ConnectionError("database down")
        return self.current

    def entries_of(self, version_id):
        return self.versions[version_id]

    def publish(self, number, billing_answer):
        entries = [{**e, "area": area} for area, es in SAMPLE_ENTRIES.items() for e in es]
        self.versions[number] = [{**e, "answer": billing_answer} if e["id"] == "billing_cancel_renewal" else e
                                 for e in entries]
        self.current = number


def _billing_answer(service):
    return service.lookup("怎么关闭自动续费", "billing_issue").answer.answer


def test_a_published_version_replaces_the_files_entries_and_a_rollback_brings_the_old_back(tmp_path):
    published = Published()
    service = FaqService(write_kb(tmp_path), published=published, fresh_wait=10)
    assert _billing_answer(service).startswith("在「我的")  # nothing published: the files
    published.publish(1, "第一版答案")
    assert _billing_answer(service) == "第一版答案"
    published.publish(2, "第二版答案")
    assert _billing_answer(service) == "第二版答案"
    published.current = 1  # rolled back
    assert _billing_answer(service) == "第一版答案"


def test_a_database_outage_keeps_the_published_version_answering(tmp_path):
    published = Published()
    published.publish(1, "已发布的答案")
    service = FaqService(write_kb(tmp_path), published=published, fresh_wait=10)
    assert _billing_answer(service) == "已发布的答案"
    published.down = True
    assert _billing_answer(service) == "已发布的答案"


def test_the_watcher_rebuilds_before_anyone_asks(tmp_path):
    embeddings = CountingEmbeddings()
    published = Published()
    service = FaqService(write_kb(tmp_path), embeddings=embeddings, published=published, fresh_wait=0)
    assert service.index is not None  # the first build
    service.watch(every=0.05)
    published.publish(1, "后台换好的答案")
    deadline = time.time() + 10
    while service._index_build < 2:  # noqa: SLF001 - the second build finished, nobody asked
        assert time.time() < deadline, "the watcher never rebuilt"
        time.sleep(0.05)
    assert _billing_answer(service) == "后台换好的答案"
