"""Reading the customer's messages around a handoff (data/support/handoff.yml):
calling it off while a person is awaited, skipping the one-line description,
and telling a bare 转人工 from a request that already says what it is about."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple

import yaml

from bot.diagnostics.answers import core_text
from bot.text.simplify import to_simplified

FILE = "handoff.yml"
# A conversation so far only greeting or asking for a person says nothing about the problem.
NO_PROBLEM_INTENTS = frozenset({"greet", "request_human", "affirm", "deny", "thank", "goodbye", "bot_challenge"})


@dataclass(frozen=True)
class HandoffPhrases:
    cancel: Tuple[str, ...]
    skip: Tuple[str, ...]
    phrase_max_chars: int
    bare_request_max_chars: int
    when_words: Tuple[str, ...] = ()
    nothing_lost_words: Tuple[str, ...] = ()

    @classmethod
    def load(cls, support_dir: Path) -> "HandoffPhrases":
        raw = yaml.safe_load((support_dir / FILE).read_text(encoding="utf-8")) or {}
        return cls(
            cancel=tuple(core_text(p) for p in raw.get("cancel_phrases") or ()),
            skip=tuple(core_text(p) for p in raw.get("skip_phrases") or ()),
            phrase_max_chars=int(raw.get("phrase_max_chars", 14)),
            bare_request_max_chars=int(raw.get("bare_request_max_chars", 8)),
            when_words=tuple(raw.get("when_words") or ()),
            nothing_lost_words=tuple(raw.get("nothing_lost_words") or ()),
        )

    def _says(self, text: str, phrases: Tuple[str, ...]) -> bool:
        core = core_text(to_simplified(text or ""))
        if not core or len(core) > self.phrase_max_chars:
            return False
        return any(core == p or core.startswith(p) for p in phrases)

    def calls_off(self, text: str) -> bool:
        """不用了 / 问题已经解决了: the customer no longer needs a person."""
        return self._says(text, self.cancel)

    def asks_when(self, text: str) -> bool:
        """几天能处理 / 要等多久 / 给个说法: when will a person deal with it."""
        simplified = to_simplified(text or "")
        return any(word in simplified for word in self.when_words)

    def says_nothing_lost(self, text: str) -> bool:
        """还没转钱 / 余额没少: a scam stopped in time (what to do differs: no bank to call)."""
        simplified = to_simplified(text or "")
        return any(word in simplified for word in self.nothing_lost_words)

    def skips(self, text: str) -> bool:
        return self._says(text, self.skip)

    def is_bare_request(self, text: str) -> bool:
        """转人工 / 我要人工客服, saying nothing about the problem."""
        return len(core_text(to_simplified(text or ""))) <= self.bare_request_max_chars

    def describes_problem(self, intent: Optional[str], text: str) -> bool:
        """Whether one customer message says what a handoff is about: typed (not a
        button), and more than a greeting, a yes or no, or a bare 转人工."""
        if text.startswith("/"):
            return False
        return intent not in NO_PROBLEM_INTENTS or not self.is_bare_request(text)
