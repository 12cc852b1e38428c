"""The reviewable diff between two versions of the entries, and its one-line summary."""
from bot.faq.changes import ADDED, CHANGED, REMOVED, describe, diff_entries

A = {"id": "a", "area": "sms", "questions": ["收不到验证码", "验证码没来", "短信没收到"], "answer": "旧",
     "urgent": False}
B = {"id": "b", "area": "billing", "questions": ["关自动续费", "取消续费", "不想续费"], "answer": "关", "urgent": False}


def test_a_changed_answer_and_questions_are_named_with_before_and_after():
    edited = {**A, "answer": "新", "questions": ["收不到验证码", "验证码没来", "等了很久没验证码"]}
    [change] = diff_entries([A, B], [edited, B])
    assert change.kind == CHANGED and change.answer == ("旧", "新")
    assert change.questions_added == ("等了很久没验证码",) and change.questions_removed == ("短信没收到",)
    assert describe([change]) == "修改“收不到验证码”的问法、答案"


def test_added_and_removed_entries():
    changes = diff_entries([A], [B])
    assert [(c.kind, c.entry_id) for c in changes] == [(ADDED, "b"), (REMOVED, "a")]
    assert describe(changes) == "新增“关自动续费”；删除“收不到验证码”"


def test_the_same_entries_have_no_changes():
    assert diff_entries([A, B], [dict(A), dict(B)]) == [] and describe([]) == "没有改动"


def test_area_and_urgency_changes():
    [change] = diff_entries([A], [{**A, "area": "account", "urgent": True}])
    assert change.area == ("sms", "account") and change.urgent == (False, True)
