"""Reply templates for custom actions, kept in data/support/replies.yml."""
from __future__ import annotations

import random
from pathlib import Path
from typing import Dict, List

import yaml


class Replies:
    def __init__(self, templates: Dict[str, List[str]], rng: random.Random = random.Random()) -> None:
        self._templates = templates
        self._rng = rng

    @classmethod
    def load(cls, path: Path) -> "Replies":
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

    def render(self, name: str, **values: str) -> str:
        return self._rng.choice(self._templates[name]).format(**values)
