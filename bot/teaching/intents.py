"""The intents staff can pick when they correct the bot: the domain's, in the console's words."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Mapping, Tuple

import yaml

from bot.storage.models import NEW_FAQ_QUESTION

NEW_FAQ_LABEL = "新的FAQ问题"


@dataclass(frozen=True)
class IntentChoice:
    name: str
    label: str


def domain_intents(domain_file: Path) -> List[str]:
    """The ``intents`` of domain.yml, in its order (names only; Rasa allows a mapping per intent)."""
    raw = yaml.safe_load(domain_file.read_text(encoding="utf-8")) or {}
    names = []
    for item in raw.get("intents") or []:
        names.append(next(iter(item)) if isinstance(item, Mapping) else str(item))
    return names


def intent_choices(intents: List[str], labels: Mapping[str, str],
                   label: Callable[[str], str]) -> Tuple[IntentChoice, ...]:
    """The domain's intents ordered as ``labels`` (texts.yml ``console.intents``) lists
    them, the unlabelled ones after, then "a new FAQ question"."""
    ordered = [name for name in labels if name in intents] + [name for name in intents if name not in labels]
    return tuple(IntentChoice(name, label(name)) for name in ordered) + (
        IntentChoice(NEW_FAQ_QUESTION, NEW_FAQ_LABEL),)
