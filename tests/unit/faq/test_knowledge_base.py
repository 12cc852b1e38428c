import pytest
import yaml

from bot.faq.knowledge_base import KnowledgeBaseError, load_knowledge_base
from bot.text.catalogue import Catalogue
from tests.support.faq_kb import ROOT, write_kb


def test_real_knowledge_base_loads_with_every_area():
    kb = load_knowledge_base(ROOT / "data" / "faq")
    assert len(kb.entries) >= 60
    assert {e.area for e in kb.entries} == {"account", "transfer", "sms", "billing", "general"}
    assert all(len(e.questions) >= 3 and e.answer for e in kb.entries)
    assert kb.settings.intents["sms_code_delay"].area == "sms"


def test_the_topic_words_offer_entries_the_shipped_knowledge_base_has():
    kb = load_knowledge_base(ROOT / "data" / "faq")
    assert kb.settings.topics
    for topic in kb.settings.topics:
        assert [i for i in topic.entries if i not in kb.by_id] == [], topic.prompt
    # a second problem's name is a topic word, so sending it asks which question it means
    words = {word for topic in kb.settings.topics for word in topic.words}
    assert {p.name for p in kb.settings.problem_phrases} <= words
    assert {p.area for p in kb.settings.problem_phrases} <= set(kb.settings.areas)


def test_duplicate_ids_are_refused(tmp_path):
    entry = {"id": "dup", "questions": ["a", "b", "c"], "answer": "x"}
    write_kb(tmp_path, {"sms": [entry], "billing": [entry]})
    with pytest.raises(KnowledgeBaseError, match="dup"):
        load_knowledge_base(tmp_path)


def test_entry_without_answer_is_refused(tmp_path):
    write_kb(tmp_path, {"sms": [{"id": "x", "questions": ["a", "b", "c"]}]})
    with pytest.raises(KnowledgeBaseError):
        load_knowledge_base(tmp_path)


def test_broken_yaml_names_the_file(tmp_path):
    write_kb(tmp_path)
    (tmp_path / "sms.yml").write_text("entries: [unclosed", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="sms.yml"):
        load_knowledge_base(tmp_path)


def test_missing_settings_are_refused(tmp_path):
    write_kb(tmp_path)
    (tmp_path / "search.yml").unlink()
    with pytest.raises(KnowledgeBaseError, match="search.yml"):
        load_knowledge_base(tmp_path)


def test_synonym_groups_do_not_share_words():
    groups = yaml.safe_load((ROOT / "data/faq/synonyms.yml").read_text(encoding="utf-8"))["synonyms"]
    words = [w for group in groups for w in group]
    assert len(words) == len(set(words))


def test_real_knowledge_base_lists_what_it_does_not_cover_and_its_emergency_entries():
    kb = load_knowledge_base(ROOT / "data" / "faq")
    assert len(kb.not_covered) >= 8 and all(len(t.questions) >= 3 for t in kb.not_covered)
    assert set(kb.settings.emergency) == {"theft", "fraud"}
    assert all(kb.by_id[entry_id].urgent for entry_id in kb.settings.emergency.values())


def test_not_covered_topics_get_the_company_names(tmp_path):
    write_kb(tmp_path, not_covered=[{"id": "loan", "questions": ["{loan}怎么申请", "借款利率", "借款合同"]}])
    kb = load_knowledge_base(tmp_path, lambda text: text.replace("{loan}", "星借"))
    assert kb.not_covered[0].questions[0] == "星借怎么申请"


@pytest.mark.parametrize("topics, settings, message", [
    pytest.param([{"id": "loan", "questions": ["借款", "利率"]}], {}, "3\\+ questions", id="too-few-questions"),
    pytest.param([{"id": "sms_expired", "questions": ["a", "b", "c"]}], {}, "sms_expired", id="id-of-an-entry"),
    pytest.param([{"questions": ["a", "b", "c"]}], {}, "lacks", id="no-id"),
    pytest.param(None, {"emergency": {"theft": "no_such_entry"}}, "no_such_entry", id="emergency-unknown"),
    pytest.param(None, {"emergency_specific": ["no_such_entry"]}, "no_such_entry", id="emergency-specific-unknown"),
])
def test_malformed_not_covered_topics_and_emergency_settings_are_refused(tmp_path, topics, settings, message):
    write_kb(tmp_path, settings=settings, not_covered=topics)
    with pytest.raises(KnowledgeBaseError, match=message):
        load_knowledge_base(tmp_path)


def _bare(text):
    return "".join(ch for ch in text.lower() if ch.isalnum())


def test_no_evaluation_or_tuning_message_is_written_into_the_knowledge_base():
    """The labelled sets measure the search: none of their messages may be one of its paraphrases
    or not-covered examples (compared without spaces and punctuation, names filled)."""
    catalogue = Catalogue.load(ROOT / "data" / "support" / "products.yml")
    kb = load_knowledge_base(ROOT / "data" / "faq", catalogue.fill)
    written = {_bare(q) for e in kb.entries for q in e.questions}
    written |= {_bare(q) for t in kb.not_covered for q in t.questions}
    for name in ("queries.yml", "stories.yml", "stories_tuning.yml"):
        data = yaml.safe_load((ROOT / "tests" / "faq" / name).read_text(encoding="utf-8"))
        copied = [q["text"] for q in data["queries"] if _bare(str(q["text"])) in written]
        assert copied == [], name


def test_scam_signs_are_named_in_their_order_at_most_two():
    kb = load_knowledge_base(ROOT / "data" / "faq")
    said = kb.settings.scam_signs_in("老师带我们炒股 让我先交保证金 再开屏幕共享")
    assert len(said) == 2 and "杀猪盘" in said[0] and "保证金" in said[1]
    assert kb.settings.scam_signs_in("转账失败了") == []
