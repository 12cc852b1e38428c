"""Versions of the knowledge base: one line of versions, exactly one published, rollbacks as new versions."""
import pytest

from bot.storage.engine import make_engine
from bot.storage.faq_versions import FaqVersionConflict, FaqVersionNotFound, FaqVersionStore

ONE = [{"id": "a", "area": "sms", "questions": ["q1", "q2", "q3"], "answer": "旧答案", "urgent": False}]
TWO = [{**ONE[0], "answer": "新答案"}]


@pytest.fixture
def store(migrated_db_url):
    return FaqVersionStore(make_engine(migrated_db_url))


def test_nothing_is_published_before_the_seed(store):
    assert store.published_id() is None and store.head() is None and store.published() is None


def test_the_seed_is_version_one_published_and_only_once(store):
    first = store.seed(ONE, "初始导入", "导入")
    assert first.number == 1 and store.published_id() == 1 and store.entries_of(1) == ONE
    assert store.seed(TWO, "初始导入", "导入") is None
    assert store.head().entries == ONE


def test_a_save_is_a_draft_until_published(store):
    store.seed(ONE, "初始导入", "导入")
    draft = store.save(TWO, "admin1", "修改答案", base=1)
    assert draft.number == 2 and draft.parent == 1 and draft.author == "admin1"
    assert store.published_id() == 1
    store.publish(2, "admin1")
    assert store.published_id() == 2 and store.published().entries == TWO
    assert [p.version for p in store.publications()] == [2, 1]


def test_a_save_on_a_stale_version_is_a_conflict(store):
    store.seed(ONE, "初始导入", "导入")
    store.save(TWO, "admin1", "修改", base=1)
    with pytest.raises(FaqVersionConflict):
        store.save(ONE, "admin2", "修改", base=1)
    assert [v.number for v in store.history()] == [2, 1]


def test_a_rollback_publishes_the_old_entries_as_the_newest_version(store):
    store.seed(ONE, "初始导入", "导入")
    store.save(TWO, "admin1", "修改", base=1)
    store.publish(2, "admin1")
    back = store.roll_back(1, "admin2", "回滚到版本 1")
    assert back.number == 3 and back.parent == 2 and back.entries == ONE
    assert store.published_id() == 3 and store.head().number == 3


def test_unknown_versions_are_refused(store):
    with pytest.raises(FaqVersionNotFound):
        store.publish(7, "admin1")
    with pytest.raises(FaqVersionNotFound):
        store.roll_back(7, "admin1", "x")
