"""The catalogue of what the bot says outside the FAQ and domain.yml: data/support/texts.yml.

Sections: ``actions`` (custom actions' replies), ``diagnostic_questions``,
``ticket_statuses``, ``due_times``, ``webchat`` (the window's error messages)
and ``wechat`` (the WeChat channel's fixed replies). Each process loads the
file once and takes the sections it needs.
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Dict, List, Mapping, Union

import yaml

TEXTS_FILE = "texts.yml"


class Replies:
    """One section: reply name -> a template, or a list of variants picked at random."""

    def __init__(self, templates: Mapping[str, Union[str, List[str]]],
                 rng: random.Random = random.Random()) -> None:
        self._templates = {name: [value] if isinstance(value, str) else list(value)
                           for name, value in templates.items()}
        self._rng = rng

    def __contains__(self, name: str) -> bool:
        return name in self._templates

    def render(self, name: str, **values: Any) -> str:
        return self._rng.choice(self._templates[name]).format(**values)


class Texts:
    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw

    @classmethod
    def load(cls, support_dir: Path) -> "Texts":
        return cls(yaml.safe_load((support_dir / TEXTS_FILE).read_text(encoding="utf-8")))

    def replies(self, section: str) -> Replies:
        return Replies(self._raw[section])

    def raw(self, section: str) -> Dict[str, Any]:
        return dict(self._raw[section])

    def buttons(self, section: str) -> List[Dict[str, str]]:
        """A section that is a list of buttons ({title, payload})."""
        return [{"title": str(b["title"]), "payload": str(b["payload"])} for b in self._raw[section]]
