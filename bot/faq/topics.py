"""Topics in what the customer says: a message that is only a topic word ("转账",
"验证码", "你好 账单"), a second problem told beside the one answered, and money
the customer now sees arrived.

Such a message names an area, not a question; any one entry would be a guess (the
"check a transfer's status" answer to a customer whose transfer failed). The
customer is asked which of the topic's common questions is meant instead
(data/faq/search.yml `topics`).
"""
from __future__ import annotations

import re
from typing import Optional, Sequence

from bot.faq.knowledge_base import ArrivalSeen, ProblemPhrases, TopicChoice

# Greetings before the word and particles after it say nothing about the question.
_OPENERS = re.compile(r"^(?:你好|您好|在吗|在不在|hello|hi|喂|嗯|那个|请问|我想问|问一下|咨询)+")
_PARTICLES = re.compile(r"(?:吧|啊|呀|呢|哦|喔|嗯|的事|的问题)+$")
_NOT_WORDS = re.compile(r"[\s\W_]+")


def topic_choice(text: str, topics: Sequence[TopicChoice]) -> Optional[TopicChoice]:
    """The topic ``text`` consists of, if it is nothing but one of a topic's words."""
    bare = _NOT_WORDS.sub("", text.lower())
    bare = _PARTICLES.sub("", _OPENERS.sub("", bare))
    return next((topic for topic in topics if bare in topic.words), None) if bare else None


def named_problem(text: str, problems: Sequence[ProblemPhrases], but: Optional[str] = None) -> Optional[ProblemPhrases]:
    """The problem ``text`` names in the customer's words ("又登不上了": the login),
    other than area ``but``."""
    lowered = text.lower()
    return next((p for p in problems if p.area != but and any(phrase in lowered for phrase in p.phrases)), None)


def another_problem(text: str, answered_area: str, problems: Sequence[ProblemPhrases]) -> Optional[ProblemPhrases]:
    """A problem of another area than the answer's that ``text`` also tells
    ("我登录不上，而且转账失败了" answered about the transfer: the login)."""
    return named_problem(text, problems, but=answered_area)


def sees_arrival(text: str, seen: ArrivalSeen) -> bool:
    """"看到了 有一条写着收款1000": the customer found the money they asked about."""
    lowered = _OPENERS.sub("", text.strip().lower())
    return (lowered.startswith(seen.openers) and any(w in lowered for w in seen.words)
            and not any(w in lowered for w in seen.not_words)) if seen.openers else False
