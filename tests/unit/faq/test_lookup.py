import os
import time

import pytest

from bot.faq.lookup import FaqService
from tests.support.faq_kb import SAMPLE_ENTRIES, write_kb


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
