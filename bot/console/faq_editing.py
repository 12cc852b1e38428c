"""The knowledge-base editor's use cases: edit an entry of the draft, publish, roll back.

Every change is validated by the loader the bot uses (bot.faq.knowledge_base:
the YAML files and the editor share one validator) with the project's search
settings, and saved as a new version (bot.storage.faq_versions). When the
database has no version yet, the editor's first use imports ``data/faq`` (the
seed) as version 1, published: the bot answers the same before and after.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot.faq.changes import describe, diff_entries
from bot.faq.exchange import Entry, normalized, read_entries
from bot.faq.knowledge_base import KnowledgeBaseError, SearchSettings, load_knowledge_base
from bot.storage.faq_versions import FaqVersionStore, Version

SEED_AUTHOR = "初始导入"
MAX_ANSWER = 4000
MAX_QUESTION = 200


class EntryNotFound(LookupError):
    pass


@dataclass(frozen=True)
class EntryInput:
    """What the admin typed: one question per line."""

    questions: str
    answer: str
    area: str
    urgent: bool

    def entry(self, entry_id: str, handled_by: Optional[str] = None) -> Entry:
        raw: Dict[str, Any] = {"id": entry_id, "area": self.area, "questions": self.questions.splitlines(),
                               "answer": self.answer.replace("\r\n", "\n"), "urgent": self.urgent,
                               "handled_by": handled_by}
        return normalized(raw)


class FaqEditor:
    def __init__(self, store: FaqVersionStore, faq_dir: Path) -> None:
        self.store = store
        self._faq_dir = faq_dir

    def validate(self, entries: List[Entry]) -> None:
        """`KnowledgeBaseError` (its message in Chinese) unless the bot could load them."""
        for entry in entries:
            if len(entry["answer"]) > MAX_ANSWER:
                raise KnowledgeBaseError(f"答案最多 {MAX_ANSWER} 个字符")
            if any(len(q) > MAX_QUESTION for q in entry["questions"]):
                raise KnowledgeBaseError(f"每个问法最多 {MAX_QUESTION} 个字符")
        load_knowledge_base(self._faq_dir, entries=entries)

    def draft(self) -> Version:
        """The newest version, importing the seed first when there is none."""
        head = self.store.head()
        if head is None:
            seed = read_entries(self._faq_dir)
            self.validate(seed)
            self.store.seed(seed, SEED_AUTHOR, f"从知识库初始内容导入 {len(seed)} 条")
            head = self.store.head()
            assert head is not None
        return head

    def areas(self) -> List[str]:
        return list(self._settings().areas)

    def emergency_ids(self) -> List[str]:
        return list(self._settings().emergency.values())

    def _settings(self) -> SearchSettings:
        return load_knowledge_base(self._faq_dir, entries=self.draft().entries).settings

    @staticmethod
    def find(version: Version, entry_id: str) -> Entry:
        for entry in version.entries:
            if entry["id"] == entry_id:
                return entry
        raise EntryNotFound(entry_id)

    def _save(self, base: int, entries: List[Entry], author: str, note: str) -> Version:
        self.validate(entries)
        previous = self.store.version(base).entries
        summary = describe(diff_entries(previous, entries))
        if note.strip():
            summary = f"{summary}（{note.strip()}）"
        return self.store.save(entries, author, summary, base)

    def save_entry(self, base: int, entry_id: Optional[str], typed: EntryInput, author: str,
                   note: str = "") -> Version:
        """Change entry ``entry_id`` of version ``base`` (None: a new entry) as a new draft version."""
        entries = [dict(e) for e in self.store.version(base).entries]
        if entry_id is None:
            entries.append(typed.entry(f"{typed.area}_{secrets.token_hex(4)}"))
        else:
            position = next((i for i, e in enumerate(entries) if e["id"] == entry_id), None)
            if position is None:
                raise EntryNotFound(entry_id)
            entries[position] = typed.entry(entry_id, entries[position].get("handled_by"))
        return self._save(base, entries, author, note)

    def delete_entry(self, base: int, entry_id: str, author: str) -> Version:
        if entry_id in self.emergency_ids():
            raise KnowledgeBaseError("这是盗号、诈骗时回答的紧急条目，不能删除（可以修改它的答案）。")
        entries = [dict(e) for e in self.store.version(base).entries]
        kept = [e for e in entries if e["id"] != entry_id]
        if len(kept) == len(entries):
            raise EntryNotFound(entry_id)
        return self._save(base, kept, author, "")

    def publish(self, number: int, author: str) -> None:
        self.validate(self.store.version(number).entries)
        self.store.publish(number, author)

    def roll_back(self, number: int, author: str) -> Version:
        """Publish version ``number``'s entries again (as the newest version)."""
        self.validate(self.store.version(number).entries)
        return self.store.roll_back(number, author, f"回滚到版本 {number}")
