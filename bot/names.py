"""The Chinese names staff read for the bot's codes: data/support/names.yml.

One catalogue for every staff page (queue, ticket, reports, corrections) and the
transcript: intents, actions, forms, slots, ticket events, handoff reasons,
statuses, channels, transcript roles. A code without a name reads as the
section's ``unnamed`` word, never as the code itself (tests/unit/test_names.py
checks that domain.yml's codes all have one).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import yaml

NAMES_FILE = "names.yml"
SECTIONS = ("statuses", "reasons", "faq_areas", "channels", "intents", "actions", "forms", "slots", "events",
            "roles")
# Section names the console used before this catalogue (texts.yml ``console``).
ALIASES = {"diagnostics": "slots", "audit": "events"}
# A button's payload as Rasa reads it: /intent or /intent{"entity": "value"}.
PAYLOAD = re.compile(r"^\s*/(?P<intent>[A-Za-z_][A-Za-z0-9_]*)(?P<entities>\{.*\})?\s*$", re.S)


@dataclass(frozen=True)
class Names:
    sections: Mapping[str, Mapping[str, str]]
    unnamed: Mapping[str, str]

    @classmethod
    def load(cls, support_dir: Path) -> "Names":
        raw: Dict[str, Any] = yaml.safe_load((support_dir / NAMES_FILE).read_text(encoding="utf-8")) or {}
        sections = {kind: {str(k): str(v) for k, v in (raw.get(kind) or {}).items()} for kind in SECTIONS}
        unnamed = {str(k): str(v) for k, v in (raw.get("unnamed") or {}).items()}
        return cls(sections, unnamed)

    def section(self, kind: str) -> Dict[str, str]:
        """Code -> name of one section (``intents``, ``reasons`` ...), in the file's order."""
        return dict(self.sections.get(ALIASES.get(kind, kind), {}))

    def has(self, kind: str, key: Optional[str]) -> bool:
        return (key or "") in self.section(kind)

    def label(self, kind: str, key: Optional[str]) -> str:
        """The name of ``key`` in section ``kind``; the section's ``unnamed`` word for an
        unknown code (an empty key reads as empty)."""
        if not key:
            return ""
        kind = ALIASES.get(kind, kind)
        found = self.sections.get(kind, {}).get(key)
        return found if found is not None else self.unnamed.get(kind, "其他")

    def step(self, name: str) -> str:
        """An action the bot ran, as the transcript shows it: a form's or an action's name."""
        if name in self.sections.get("forms", {}):
            return self.sections["forms"][name]
        return self.label("actions", name)

    def payload(self, text: str) -> Optional[str]:
        """A button payload (``/rate{"rating": "4"}``) as staff read it (【评分：4】);
        None when ``text`` is not a payload."""
        match = PAYLOAD.match(text or "")
        if match is None:
            return None
        values = []
        if match.group("entities"):
            try:
                entities = json.loads(match.group("entities"))
            except ValueError:
                entities = {}
            if isinstance(entities, Mapping):
                values = [str(v) for v in entities.values() if v is not None]
        name = self.label("intents", match.group("intent"))
        return f"【{name}：{'、'.join(values)}】" if values else f"【{name}】"
