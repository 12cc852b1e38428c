"""The editor's changes go through the loader's validation (Chinese messages) and become versions."""
import pytest

from bot.console.faq_editing import EntryInput, FaqEditor
from bot.faq.knowledge_base import KnowledgeBaseError
from bot.storage.engine import make_engine
from bot.storage.faq_versions import FaqVersionConflict, FaqVersionStore
from tests.support.faq_kb import write_kb

GOOD = EntryInput("怎么关闭自动续费\n取消自动续费\n\n不想自动扣会员费了\n", "在「我的」里关闭。", "billing", False)


@pytest.fixture
def editor(tmp_path, migrated_db_url):
    return FaqEditor(FaqVersionStore(make_engine(migrated_db_url)), write_kb(tmp_path / "faq"))


def test_the_first_use_imports_the_seed_as_the_published_version(editor):
    draft = editor.draft()
    assert draft.number == 1 and editor.store.published_id() == 1
    assert {e["id"] for e in draft.entries} >= {"sms_not_received", "billing_cancel_renewal"}


def test_an_edit_is_a_new_draft_with_a_summary(editor):
    base = editor.draft().number
    version = editor.save_entry(base, "billing_cancel_renewal", EntryInput(GOOD.questions, "新答案", "billing", False),
                                "admin1", "客户反馈")
    assert version.parent == base and editor.store.published_id() == base
    assert FaqEditor.find(version, "billing_cancel_renewal")["answer"] == "新答案"
    assert FaqEditor.find(version, "billing_cancel_renewal")["questions"] == ["怎么关闭自动续费", "取消自动续费",
                                                                             "不想自动扣会员费了"]
    assert version.summary == "修改“怎么关闭自动续费”的答案（客户反馈）"


@pytest.mark.parametrize("typed, message", [
    pytest.param(EntryInput(GOOD.questions, "  ", "billing", False), "答案不能为空", id="empty-answer"),
    pytest.param(EntryInput("收不到验证码\n新问法一\n新问法二", "答", "billing", False), "已经属于条目“收不到验证码”",
                 id="question-of-another-entry"),
    pytest.param(EntryInput(GOOD.questions, "答", "lottery", False), "问题类别无效", id="unknown-area"),
    pytest.param(EntryInput("只有一个问法", "答", "billing", False), "至少需要 3 个问法", id="too-few-questions"),
])
def test_bad_input_is_refused_in_chinese(editor, typed, message):
    with pytest.raises(KnowledgeBaseError, match=message):
        editor.save_entry(editor.draft().number, "billing_cancel_renewal", typed, "admin1")
    assert editor.store.head().number == 1


def test_a_new_entry_gets_an_id_of_its_area(editor):
    typed = EntryInput("会员怎么退款\n会员费能退吗\n开了会员想退钱", "联系客服退款。", "billing", False)
    version = editor.save_entry(editor.draft().number, None, typed, "admin1")
    added = version.entries[-1]
    assert added["id"].startswith("billing_") and added["area"] == "billing"


def test_the_urgent_entries_cannot_be_deleted(editor):
    with pytest.raises(KnowledgeBaseError, match="紧急条目"):
        editor.delete_entry(editor.draft().number, "account_stolen_suspected", "admin1")


def test_an_edit_of_a_stale_draft_is_a_conflict(editor):
    base = editor.draft().number
    editor.save_entry(base, "billing_cancel_renewal", EntryInput(GOOD.questions, "甲", "billing", False), "admin1")
    with pytest.raises(FaqVersionConflict):
        editor.save_entry(base, "billing_cancel_renewal", EntryInput(GOOD.questions, "乙", "billing", False), "admin2")


def test_roll_back_publishes_an_old_version_again(editor):
    base = editor.draft().number
    edited = editor.save_entry(base, "billing_cancel_renewal", EntryInput(GOOD.questions, "甲", "billing", False),
                               "admin1")
    editor.publish(edited.number, "admin1")
    back = editor.roll_back(base, "admin1")
    assert editor.store.published_id() == back.number and back.entries == editor.store.version(base).entries
