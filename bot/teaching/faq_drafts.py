""""New FAQ question" corrections as draft entries for data/faq/, for an admin to edit.

A draft holds the customer's question (masked, product names as placeholders)
and, as the draft answer, what the agent replied in that ticket. It is not a
knowledge-base file yet: an entry needs three questions or more, so the file
is written apart from data/faq/ and its header says what to do with it.
Questions the knowledge base already has, and repeats, are left out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Sequence

import yaml

from bot.storage.corrections import CorrectionRecord
from bot.teaching.examples import KnownExamples, normalise
from bot.teaching.nlu_export import example_text

NO_REPLY = "（客服在这张工单里没有回复，请写出答案）"
DEFAULT_AREA = "general"
HEADER = """\
# FAQ drafts from staff corrections (新的FAQ问题), exported {generated:%Y-%m-%d %H:%M %Z}.
# Each draft: the customer's question and, as the answer, what the agent replied in that ticket.
# To publish one: move it into data/faq/<area>.yml, give it 3+ questions (the ways customers ask),
# rewrite the answer for every customer (no names, no ticket details), delete `ticket`.
# The FAQ index reloads on its own: no retraining, no restart.
"""


@dataclass(frozen=True)
class FaqDrafts:
    yaml: str
    entries: List[Dict[str, Any]]
    skipped_known: int


class _Literal(str):
    """Written as a YAML block (``|``): answers keep their lines."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Literal, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", str(value), style="|"))


def area_of(intent: Optional[str], routes: Mapping[str, Optional[str]]) -> str:
    """The FAQ area the ticket's problem searches (data/faq/search.yml ``intents``)."""
    return (routes.get(intent or "") or DEFAULT_AREA) if intent else DEFAULT_AREA


def _draft_id(record: CorrectionRecord) -> str:
    return "draft_" + re.sub(r"[^a-z0-9]+", "_", f"{record.ticket_number}_{record.position}".lower())


def faq_drafts(corrections: Sequence[CorrectionRecord], known: KnownExamples, faq_questions: FrozenSet[str],
               routes: Mapping[str, Optional[str]], redact: Callable[[str], str],
               generated: datetime) -> FaqDrafts:
    """``faq_questions``: the knowledge base's questions, normalised (`bot.teaching.examples.normalise`)."""
    entries: List[Dict[str, Any]] = []
    seen = set(faq_questions)
    skipped = 0
    for record in corrections:
        if not record.new_faq_question:
            continue
        question = example_text(record.text, redact, known)
        key = normalise(question, known.catalogue)
        if not question or key in seen:
            skipped += 1
            continue
        seen.add(key)
        reply = known.catalogue.normalise(redact(record.agent_reply)).strip() if record.agent_reply else NO_REPLY
        entries.append({"id": _draft_id(record), "area": area_of(record.ticket_intent, routes),
                        "ticket": record.ticket_number, "questions": [question],
                        "answer": reply + "\n", "urgent": False})
    shown = [{**entry, "answer": _Literal(entry["answer"])} for entry in entries]
    body = yaml.dump({"entries": shown}, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
    return FaqDrafts(HEADER.format(generated=generated) + body, entries, skipped)
