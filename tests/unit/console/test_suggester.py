"""The console's suggester: built in the background once, the bot's FAQ search and the
canned replies by meaning (a stand-in encoder), at most three answers."""
import hashlib
import shutil
import threading
import time

import numpy as np
import pytest

from bot.console.canned import CannedLibrary, CannedReply
from bot.console.suggester import FAILED, PREPARING, READY, Suggester, canned_text
from bot.console.suggestion_ranking import CANNED, FAQ
from bot.faq.lookup import FaqService
from bot.text.segment import load_dictionary
from tests.support.faq_kb import ROOT, write_kb

SUPPORT = ROOT / "data" / "support"


@pytest.fixture(autouse=True, scope="module")
def product_dictionary():
    load_dictionary(ROOT / "data" / "dictionary")


class MeaningStandIn:
    """Stands in for bot.semantics.Embeddings: a fixed vector per text; a customer's
    message ``means`` the text it is mapped to (it gets that text's vector)."""

    def __init__(self, means=None):
        self.means = dict(means or {})

    @staticmethod
    def _vector(text):
        seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "big")
        vector = np.random.default_rng(seed).normal(size=32).astype(np.float32)
        return vector / np.linalg.norm(vector)

    def ours(self, texts):
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, 32), np.float32)

    def message(self, text):
        return self._vector(self.means.get(text, text))


@pytest.fixture
def library(tmp_path):
    path = tmp_path / "canned_replies.yml"
    shutil.copy(SUPPORT / "canned_replies.yml", path)
    return CannedLibrary(path, SUPPORT / "products.yml")


def ready(suggester, timeout=20.0):
    deadline = time.monotonic() + timeout
    while suggester.prepare() != READY:
        assert suggester.state != FAILED
        assert time.monotonic() < deadline, "suggestions never became ready"
        time.sleep(0.05)
    return suggester


def suggester_for(tmp_path, library, embeddings):
    kb = write_kb(tmp_path / "faq")
    return Suggester(library, lambda: (FaqService(kb, embeddings=embeddings), embeddings))


def test_preparing_never_waits_for_the_build(tmp_path, library):
    release = threading.Event()
    embeddings = MeaningStandIn()

    def slow_build():
        release.wait(10)
        return FaqService(write_kb(tmp_path / "faq"), embeddings=embeddings), embeddings

    suggester = Suggester(library, slow_build)
    started = time.monotonic()
    assert suggester.prepare() == PREPARING
    assert suggester.prepare() == PREPARING  # asked again: still the one build
    assert time.monotonic() - started < 1
    release.set()
    assert ready(suggester).state == READY


def test_faq_answers_and_canned_replies_by_meaning(tmp_path, library):
    sms = next(r for r in library.filled() if r.code == "/验证码")
    embeddings = MeaningStandIn({"收不到验证码怎么办": canned_text(sms)})
    suggester = ready(suggester_for(tmp_path, library, embeddings))
    found = suggester.suggest("收不到验证码怎么办", "sms_code_delay")
    assert 1 <= len(found) <= 3
    assert [(s.kind, s.key) for s in found if s.kind == FAQ][0] == (FAQ, "sms_not_received")
    assert (CANNED, "/验证码") in [(s.kind, s.key) for s in found]
    canned = next(s for s in found if s.kind == CANNED)
    assert canned.text == sms.text and "{app}" not in canned.text  # as staff send it
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    assert all(0.0 <= s.score <= 1.0 for s in found)  # the area's boost never shows above 100 %


def test_an_edited_canned_reply_is_ranked_by_its_new_meaning(tmp_path, library):
    embeddings = MeaningStandIn()
    suggester = ready(suggester_for(tmp_path, library, embeddings))
    library.add(CannedReply("/新回复", "新的说法", "这是一条刚加的快捷回复"))
    new = next(r for r in library.filled() if r.code == "/新回复")
    embeddings.means["你们好慢"] = canned_text(new)
    assert suggester.suggest("你们好慢")[0].key == "/新回复"


def test_without_the_encoder_the_faq_is_searched_by_its_words(tmp_path, library):
    kb = write_kb(tmp_path / "faq")
    suggester = ready(Suggester(library, lambda: (FaqService(kb), None)))
    found = suggester.suggest("怎么关闭自动续费")
    assert [s.kind for s in found] == [FAQ] * len(found) and found[0].key == "billing_cancel_renewal"


def test_a_broken_canned_file_still_leaves_the_faq(tmp_path, library):
    suggester = ready(suggester_for(tmp_path, library, MeaningStandIn()))
    library.path.write_text("- code: 没有斜杠\n", encoding="utf-8")
    found = suggester.suggest("怎么关闭自动续费")
    assert found and {s.kind for s in found} == {FAQ}


def test_a_failed_build_is_tried_again(tmp_path, library):
    calls = []
    embeddings = MeaningStandIn()

    def build():
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk gone")
        return FaqService(write_kb(tmp_path / "faq"), embeddings=embeddings), embeddings

    suggester = Suggester(library, build)
    suggester.prepare()
    deadline = time.monotonic() + 10
    while suggester.state == PREPARING and time.monotonic() < deadline:
        time.sleep(0.02)
    assert suggester.state == FAILED
    assert ready(suggester).state == READY and len(calls) == 2


def test_suggest_before_prepare_is_a_programming_error(library):
    with pytest.raises(RuntimeError):
        Suggester(library, lambda: None).suggest("你好")
