"""What changed between two versions of the entries: the reviewable diff.

Entries are matched by id; for a changed entry the diff names the questions added
and removed, and the answer, area and urgency before and after.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, List, Mapping, Optional, Sequence, Tuple

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"
FIELD_NAMES = {"questions": "问法", "answer": "答案", "area": "问题类别", "urgent": "紧急标记"}


@dataclass(frozen=True)
class EntryChange:
    kind: str  # ADDED, REMOVED, CHANGED
    entry_id: str
    title: str  # the entry's first question (after the change, else before)
    questions_added: Tuple[str, ...] = ()
    questions_removed: Tuple[str, ...] = ()
    answer: Optional[Tuple[str, str]] = None  # before, after
    area: Optional[Tuple[str, str]] = None
    urgent: Optional[Tuple[bool, bool]] = None
    fields: Tuple[str, ...] = field(default=())  # which of questions/answer/area/urgent changed


def _pair(old: Mapping[str, Any], new: Mapping[str, Any], key: str) -> Optional[Tuple[Any, Any]]:
    before, after = old.get(key), new.get(key)
    return None if before == after else (before, after)


def _title(entry: Mapping[str, Any]) -> str:
    questions = entry.get("questions") or ()
    return str(questions[0]) if questions else str(entry.get("id", ""))


def diff_entries(old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]) -> List[EntryChange]:
    """The changes from ``old`` to ``new``, in ``new``'s order, removed entries last."""
    before = {str(e["id"]): e for e in old}
    after = {str(e["id"]): e for e in new}
    changes: List[EntryChange] = []
    for entry_id, entry in after.items():
        previous = before.get(entry_id)
        if previous is None:
            changes.append(EntryChange(ADDED, entry_id, _title(entry), tuple(entry.get("questions") or ()),
                                       answer=("", str(entry.get("answer", "")))))
            continue
        old_questions, new_questions = list(previous.get("questions") or ()), list(entry.get("questions") or ())
        added = tuple(q for q in new_questions if q not in old_questions)
        removed = tuple(q for q in old_questions if q not in new_questions)
        answer, area = _pair(previous, entry, "answer"), _pair(previous, entry, "area")
        urgent = _pair({"urgent": bool(previous.get("urgent"))}, {"urgent": bool(entry.get("urgent"))}, "urgent")
        fields = tuple(name for name, changed in (("questions", added or removed or old_questions != new_questions),
                                                  ("answer", answer), ("area", area), ("urgent", urgent))
                       if changed)
        if fields:
            changes.append(EntryChange(CHANGED, entry_id, _title(entry), added, removed, answer, area, urgent,
                                       fields))
    for entry_id, entry in before.items():
        if entry_id not in after:
            changes.append(EntryChange(REMOVED, entry_id, _title(entry),
                                       questions_removed=tuple(entry.get("questions") or ()),
                                       answer=(str(entry.get("answer", "")), "")))
    return changes


def describe(changes: List[EntryChange]) -> str:
    """A version's summary, in the words the history shows."""
    parts = []
    for change in changes:
        if change.kind == ADDED:
            parts.append(f"新增“{change.title}”")
        elif change.kind == REMOVED:
            parts.append(f"删除“{change.title}”")
        elif change.kind == CHANGED:
            parts.append(f"修改“{change.title}”的{'、'.join(FIELD_NAMES[f] for f in change.fields)}")
    return "；".join(parts) or "没有改动"
