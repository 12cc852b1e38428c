"""The deploying company's app and products: data/support/products.yml.

Customers name the app and its products in almost every message (a frozen
星花 account, a 星借 repayment that failed). The NLU reads every catalogued
name, alias or common misspelling, and the literal placeholders ``{app}``,
``{savings}`` ... used in the training data, as one token per product kind, so
a model trained on placeholders understands any company's catalogue: swapping
the file and retraining is all a new deployment needs. Texts shown to customers
fill the same placeholders with the catalogue's names (`Catalogue.fill`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Pattern, Tuple

import yaml

APP = "app"


class CatalogueError(ValueError):
    """products.yml cannot be used (missing names, an alias claimed by two kinds)."""


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: str

    @property
    def token(self) -> str:
        """What the NLU sees instead of the name: one word per kind."""
        return f"__{self.kind}__"


@dataclass(frozen=True)
class Catalogue:
    names: Dict[str, str]                 # kind -> the name customers are told
    aliases: Tuple[Tuple[str, str], ...]  # (lower-cased alias, kind), longest first

    @classmethod
    def load(cls, path: Path) -> "Catalogue":
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        entries = {APP: raw.get("app") or {}, **(raw.get("products") or {})}
        names: Dict[str, str] = {}
        owner: Dict[str, str] = {}
        for kind, entry in entries.items():
            if not re.fullmatch(r"[a-z_]+", str(kind)) or not isinstance(entry, dict) or not entry.get("name"):
                raise CatalogueError(f"{path}: {kind!r} needs a name (kinds are lower_case words)")
            names[kind] = str(entry["name"]).strip()
            for alias in {names[kind], *(str(a).strip() for a in entry.get("aliases") or [])}:
                key = alias.lower()
                if key and owner.setdefault(key, kind) != kind:
                    raise CatalogueError(f"{path}: {alias!r} is listed for {owner[key]} and {kind}")
        aliases = tuple(sorted(owner.items(), key=lambda item: (-len(item[0]), item[0])))
        return cls(names, aliases)

    @property
    def kinds(self) -> Tuple[str, ...]:
        return tuple(self.names)

    def _pattern(self) -> Pattern[str]:
        cached = self.__dict__.get("_compiled")
        if cached is None:
            placeholders = [re.escape("{" + kind + "}") for kind in self.names]
            words = [re.escape(alias) for alias, _ in self.aliases]
            cached = re.compile("|".join(placeholders + words), re.IGNORECASE)
            object.__setattr__(self, "_compiled", cached)
        return cached

    def mentions(self, text: str) -> List[Mention]:
        """Catalogued names and placeholders in ``text``, longest first, never overlapping."""
        kinds = dict(self.aliases)
        found = []
        for match in self._pattern().finditer(text):
            word = match.group(0)
            kind = word[1:-1] if word.startswith("{") and word[1:-1] in self.names else kinds[word.lower()]
            found.append(Mention(match.start(), match.end(), kind))
        return found

    def fill(self, text: str) -> str:
        """``text`` with ``{app}``, ``{savings}`` ... replaced by the catalogue's names."""
        for kind, name in self.names.items():
            text = text.replace("{" + kind + "}", name)
        return text

    def normalise(self, text: str) -> str:
        """``text`` with every mention written as its placeholder (for training data)."""
        pieces, position = [], 0
        for mention in self.mentions(text):
            pieces += [text[position:mention.start], "{" + mention.kind + "}"]
            position = mention.end
        return "".join(pieces) + text[position:]
