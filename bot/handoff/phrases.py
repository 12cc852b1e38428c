"""Reading the customer's messages around a handoff (data/support/handoff.yml):
calling it off while a person is awaited, skipping the one-line description,
and telling a bare 转人工 from a request that already says what it is about."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence, Tuple

import yaml

from bot.diagnostics.answers import core_text
from bot.text.simplify import to_simplified

FILE = "handoff.yml"
# A conversation so far only greeting or asking for a person says nothing about the problem.
NO_PROBLEM_INTENTS = frozenset({"greet", "request_human", "affirm", "deny", "thank", "goodbye", "bot_challenge"})
# `HandoffPhrases.calls_off_alarm`: no theft after all, or perhaps none.
CONFIRMED = "confirmed"
MAYBE = "maybe"
# Just before a word of money gone, these say it did not go (还没转了, 差点就转了, 别转了).
_NOT_YET = ("没", "差点", "别", "不要", "未")


def _mentions(text: str, words: Sequence[str]) -> bool:
    """Whether ``text`` (read in simplified characters) holds any of ``words``."""
    simplified = to_simplified(text or "")
    return any(word in simplified for word in words)


@dataclass(frozen=True)
class HandoffPhrases:
    cancel: Tuple[str, ...]
    skip: Tuple[str, ...]
    phrase_max_chars: int
    bare_request_max_chars: int
    when_words: Tuple[str, ...] = ()
    when_not_about_ticket: Tuple[str, ...] = ()
    nothing_lost_words: Tuple[str, ...] = ()
    under_way_words: Tuple[str, ...] = ()
    code_given_words: Tuple[str, ...] = ()
    money_gone_words: Tuple[str, ...] = ()
    fake_proof_words: Tuple[str, ...] = ()
    at_once_words: Tuple[str, ...] = ()
    false_alarm: Tuple[str, ...] = ()
    known_people: Tuple[str, ...] = ()
    done_by_them: Tuple[str, ...] = ()
    hints_of_them: Tuple[str, ...] = ()
    decision_words: Tuple[str, ...] = ()
    person_words: Tuple[str, ...] = ()

    @classmethod
    def load(cls, support_dir: Path) -> "HandoffPhrases":
        raw = yaml.safe_load((support_dir / FILE).read_text(encoding="utf-8")) or {}
        false_alarm = raw.get("false_alarm") or {}
        return cls(
            cancel=tuple(core_text(p) for p in raw.get("cancel_phrases") or ()),
            skip=tuple(core_text(p) for p in raw.get("skip_phrases") or ()),
            phrase_max_chars=int(raw.get("phrase_max_chars", 14)),
            bare_request_max_chars=int(raw.get("bare_request_max_chars", 8)),
            when_words=tuple(raw.get("when_words") or ()),
            when_not_about_ticket=tuple(raw.get("when_not_about_ticket") or ()),
            nothing_lost_words=tuple(raw.get("nothing_lost_words") or ()),
            under_way_words=tuple(raw.get("under_way_words") or ()),
            code_given_words=tuple(raw.get("code_given_words") or ()),
            money_gone_words=tuple(raw.get("money_gone_words") or ()),
            fake_proof_words=tuple(raw.get("fake_proof_words") or ()),
            at_once_words=tuple(raw.get("at_once_words") or ()),
            false_alarm=tuple(false_alarm.get("phrases") or ()),
            known_people=tuple(false_alarm.get("known_people") or ()),
            done_by_them=tuple(false_alarm.get("did") or ()),
            hints_of_them=tuple(false_alarm.get("hints") or ()),
            decision_words=tuple(raw.get("decision_words") or ()),
            person_words=tuple(raw.get("person_words") or ()),
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
        """几天能处理 / 要等多久 / 给个说法: when will a person deal with it (not "那这钱
        啥时候到余额", when something of the app's happens)."""
        return _mentions(text, self.when_words) and not _mentions(text, self.when_not_about_ticket)

    def says_nothing_lost(self, text: str) -> bool:
        """还没转钱 / 余额没少: a scam stopped in time (what to do differs: no bank to call)."""
        return _mentions(text, self.nothing_lost_words)

    def says_under_way(self, text: str) -> bool:
        """开了屏幕共享 / 链接点进去了 还没填完: the scam is going on right now (stop it first)."""
        return _mentions(text, self.under_way_words)

    def says_code_given(self, text: str) -> bool:
        """刚把验证码念给他了: the code is out, whoever holds it can get in (lock the door first)."""
        return _mentions(text, self.code_given_words)

    def tells_money_gone(self, texts: Sequence[str]) -> bool:
        """转了两万过去 / 被转走了: money already left (not 差点就转了, 还没转), as the
        customer's messages in order last tell it (余额没少 after 他说付了 says it did not)."""
        gone = False
        for text in texts:
            simplified = re.sub(r"\s+", "", to_simplified(text or ""))  # "一笔 付款 2000"
            if self.says_nothing_lost(simplified):
                gone = False
            elif any(not any(n in simplified[max(0, found.start() - 3):found.start()] for n in _NOT_YET)
                     for word in self.money_gone_words for found in re.finditer(re.escape(word), simplified)):
                gone = True
        return gone

    def shows_fake_proof(self, text: str) -> bool:
        """他发了逮捕令的照片 / 有警官证: a document the scammer sent as proof (forged)."""
        return _mentions(text, self.fake_proof_words)

    def wants_at_once(self, text: str) -> bool:
        """算了你直接给我找个人吧 / 马上转人工: a person now, no questions first."""
        return _mentions(text, self.at_once_words)

    def calls_off_alarm(self, text: str, told: Sequence[str] = ()) -> Optional[str]:
        """是我老婆用我手机买的 / 室友付的房租 / 虚惊一场: the money was moved by someone the
        customer knows, or by themselves: `CONFIRMED`. 收货人是我老婆: it may have been
        (`MAYBE`): worth checking with them first. None: neither. The person may be named
        in ``told``, the customer's earlier messages ("收货人是我老婆", then "她说用我手机买的")."""
        if _mentions(text, self.false_alarm):
            return CONFIRMED
        if not any(_mentions(t, self.known_people) for t in (*told, text)):
            return None
        if _mentions(text, self.done_by_them):
            return CONFIRMED
        return MAYBE if _mentions(text, self.hints_of_them) else None

    def asks_after_person(self, text: str) -> bool:
        """那人工什么时候联系我 / 客服呢: the customer asks about the person offered."""
        return _mentions(text, self.person_words)

    def asks_for_decision(self, text: str) -> bool:
        """罚息能不能免了 / 退钱的事你帮我申请吧: a waiver, a refund or an exception that a
        person has to decide and the bot cannot."""
        return _mentions(text, self.decision_words)

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
