"""新的FAQ问题 corrections as draft knowledge-base entries."""
import shutil
from datetime import datetime, timezone

import yaml

from bot.faq.knowledge_base import load_knowledge_base
from bot.storage.corrections import CorrectionRecord
from bot.storage.models import NEW_FAQ_QUESTION
from bot.teaching.examples import KnownExamples, normalise
from bot.teaching.faq_drafts import NO_REPLY, faq_drafts
from bot.text.catalogue import Catalogue
from tests.support.servers import ROOT

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
CATALOGUE = Catalogue.load(ROOT / "data" / "support" / "products.yml")
KNOWN = KnownExamples.load(ROOT, CATALOGUE)
KB = load_knowledge_base(ROOT / "data" / "faq")
QUESTIONS = frozenset(normalise(q, CATALOGUE) for e in KB.entries for q in e.questions)
ROUTES = {intent: route.area for intent, route in KB.settings.intents.items()}


def record(text, reply, intent="transfer_failed", kind="intent", corrected=NEW_FAQ_QUESTION, position=3):
    return CorrectionRecord("T20261202-0007", position, kind, text, "general_question", corrected, "wang", NOW,
                            intent, reply)


def drafts(*records):
    return faq_drafts(list(records), KNOWN, QUESTIONS, ROUTES, lambda t: t.replace("13812345678", "138****5678"),
                      NOW)


def test_a_draft_has_the_question_the_agent_s_reply_and_the_ticket_s_area():
    name = CATALOGUE.names["app"]
    result = drafts(record(f"{name}转账到境外银行卡要多久", "境外汇款一般 3–5 个工作日到账。\n到账后会短信通知。"))
    [entry] = yaml.safe_load(result.yaml)["entries"]
    assert entry == {"id": "draft_t20261202_0007_3", "area": "transfer", "ticket": "T20261202-0007",
                     "questions": ["{app}转账到境外银行卡要多久"],
                     "answer": "境外汇款一般 3–5 个工作日到账。\n到账后会短信通知。\n", "urgent": False}
    assert "answer: |" in result.yaml and result.yaml.startswith("# FAQ drafts")


def test_without_a_reply_the_answer_asks_for_one_and_personal_data_is_masked():
    [entry] = drafts(record("我的号13812345678能换绑吗 怎么弄", None, intent="request_human")).entries
    assert entry["questions"] == ["我的号138****5678能换绑吗 怎么弄"]
    assert entry["answer"].strip() == NO_REPLY and entry["area"] == "general"


def test_questions_the_knowledge_base_has_repeats_and_other_corrections_are_left_out():
    existing = KB.entries[0].questions[0]
    result = drafts(record(existing + "？", "x"), record("境外转账要多久", "a", position=5),
                    record("境外转账 要多久！", "b", position=7),
                    record("境外转账要多久呢", "c", corrected="transfer_failed", position=9),
                    record("回答不对", None, kind="answer", corrected=None, position=11))
    assert [e["questions"] for e in result.entries] == [["境外转账要多久"]]
    assert result.skipped_known == 2


def test_a_published_draft_loads_as_a_knowledge_base_entry(tmp_path):
    """What the admin does with a draft: two more questions, then into data/faq."""
    [entry] = drafts(record("境外转账要多久才能到", "一般 3–5 个工作日。")).entries
    entry = {**entry, "questions": entry["questions"] + ["汇款到国外几天到账", "跨境转账多久到"]}
    entry.pop("ticket")
    folder = tmp_path / "faq"
    shutil.copytree(ROOT / "data" / "faq", folder)  # search.yml names entries of the real files
    (folder / "drafts.yml").write_text(yaml.safe_dump({"area": "transfer", "entries": [entry]},
                                                      allow_unicode=True), encoding="utf-8")
    [loaded] = [e for e in load_knowledge_base(folder).entries if e.id == entry["id"]]
    assert loaded.id == "draft_t20261202_0007_3" and loaded.answer == "一般 3–5 个工作日。"
