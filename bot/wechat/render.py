"""Turn Rasa's bot messages into what WeChat can show: one text, split by bytes.

Rasa may answer with several messages and buttons; a passive reply is one
text. Texts are joined with a blank line, buttons become a numbered list (or
a ``msgmenu`` for the customer-service API), and texts over the platform's
limit (2048 bytes) are split on line breaks where possible, never inside a
character.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Sequence, Tuple


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Answer:
    text: str
    buttons: Tuple[Button, ...] = field(default_factory=tuple)


def collect(messages: Iterable[Dict[str, Any]]) -> Answer:
    """Join the texts of Rasa's messages; the buttons are the last message's."""
    texts: List[str] = []
    buttons: Tuple[Button, ...] = ()
    for message in messages:
        text = str(message.get("text") or "").strip()
        if text:
            texts.append(text)
        image = message.get("image")
        if image:
            texts.append(str(image))
        raw = message.get("buttons") or message.get("quick_replies") or []
        found = tuple(Button(str(b.get("title") or b.get("payload")), str(b.get("payload") or b.get("title")))
                      for b in raw if isinstance(b, dict) and (b.get("title") or b.get("payload")))
        if found:
            buttons = found
    return Answer("\n\n".join(texts), buttons)


def numbered(answer: Answer, prompt: str) -> str:
    """The text followed by ``1. title`` lines the customer can answer with a number."""
    if not answer.buttons:
        return answer.text
    lines = [prompt] + [f"{i}. {b.title}" for i, b in enumerate(answer.buttons, start=1)]
    return "\n\n".join(part for part in (answer.text, "\n".join(lines)) if part)


def msgmenu(buttons: Sequence[Button], head: str = "", tail: str = "") -> Dict[str, Any]:
    """The ``msgmenu`` body of a customer-service menu message; ids are 1-based positions."""
    return {
        "head_content": head,
        "list": [{"id": str(i), "content": b.title} for i, b in enumerate(buttons, start=1)],
        "tail_content": tail,
    }


def _cut(text: str, limit: int) -> int:
    """Characters of ``text`` that fit in ``limit`` UTF-8 bytes."""
    encoded = text.encode("utf-8")[:limit]
    return len(encoded.decode("utf-8", errors="ignore"))


def split_bytes(text: str, limit: int = 2048) -> List[str]:
    """Pieces of at most ``limit`` UTF-8 bytes; cut at a line break, else a sentence end."""
    if limit < 4:
        raise ValueError("limit must hold at least one character (4 bytes)")
    pieces: List[str] = []
    rest = text.strip()
    while rest:
        if len(rest.encode("utf-8")) <= limit:
            pieces.append(rest)
            break
        end = _cut(rest, limit)
        head = rest[:end]
        for marks in ("\n", "。！？!?；;", "，,、 "):
            at = max(head.rfind(mark) for mark in marks)
            if at >= end // 2:
                end = at + 1
                break
        piece = rest[:end].strip()
        if piece:
            pieces.append(piece)
        rest = rest[end:].strip()
    return pieces


def cdata_safe(text: str) -> str:
    """A text that can sit in a CDATA section (``]]>`` would close it)."""
    return text.replace("]]>", "]]]]><![CDATA[>")
