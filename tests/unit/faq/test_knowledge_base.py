import pytest
import yaml

from bot.faq.knowledge_base import KnowledgeBaseError, load_knowledge_base
from tests.support.faq_kb import ROOT, write_kb


def test_real_knowledge_base_loads_with_every_area():
    kb = load_knowledge_base(ROOT / "data" / "faq")
    assert len(kb.entries) >= 60
    assert {e.area for e in kb.entries} == {"account", "transfer", "sms", "billing", "general"}
    assert all(len(e.questions) >= 3 and e.answer for e in kb.entries)
    assert kb.settings.intents["sms_code_delay"].area == "sms"


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
