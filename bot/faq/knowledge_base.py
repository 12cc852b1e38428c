"""Load the FAQ knowledge base and the search settings from ``data/faq``."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import yaml

SYNONYMS_FILE = "synonyms.yml"
SETTINGS_FILE = "search.yml"
NOT_COVERED_FILE = "not_covered.yml"


class KnowledgeBaseError(ValueError):
    """The FAQ files are malformed (missing fields, duplicate ids)."""


@dataclass(frozen=True)
class FaqEntry:
    id: str
    area: str
    questions: Tuple[str, ...]
    answer: str
    urgent: bool = False
    # Intent whose own dialogue flow serves this question (e.g. request_human
    # starts a handoff); the FAQ answer is then only a fallback.
    handled_by: Optional[str] = None

    @property
    def title(self) -> str:
        return self.questions[0]


@dataclass(frozen=True)
class NotCoveredTopic:
    """Something customers ask about their money or account that no entry answers
    (a credit-line increase, a loan's interest): searched like an entry, never shown."""

    id: str
    questions: Tuple[str, ...]


@dataclass(frozen=True)
class IntentRoute:
    """How the lookup searches for one predicted intent."""

    area: Optional[str] = None
    threshold: Optional[float] = None


@dataclass(frozen=True)
class SearchSettings:
    answer_threshold: float
    suggest_ratio: float
    max_suggestions: int
    area_boost: float
    see_also_text: str
    intents: Dict[str, IntentRoute]
    stopwords: Tuple[str, ...] = ()
    # No answer when the closest not-covered topic scores at least this share of the best entry.
    not_covered_ratio: float = 1.0
    # Threshold for an entry outside the predicted intent's area (the NLU and the FAQ disagree).
    other_area_threshold: float = 0.0
    # Urgency kind (bot.urgency: theft, fraud) -> the entry that answers it, whatever the scores.
    emergency: Dict[str, str] = field(default_factory=dict)
    # How much the sentence embedding weighs beside the words (bot.faq.index).
    meaning_weight: float = 1.0


@dataclass(frozen=True)
class KnowledgeBase:
    entries: Tuple[FaqEntry, ...]
    synonyms: Tuple[Tuple[str, ...], ...]
    settings: SearchSettings
    not_covered: Tuple[NotCoveredTopic, ...] = ()
    by_id: Dict[str, FaqEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {e.id: e for e in self.entries})


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise KnowledgeBaseError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise KnowledgeBaseError(f"{path}: expected a mapping at the top level")
    return data


def _parse_entry(raw: dict, area: str, path: Path, fill: Callable[[str], str]) -> FaqEntry:
    try:
        questions = tuple(fill(str(q).strip()) for q in raw["questions"])
        entry = FaqEntry(
            id=str(raw["id"]),
            area=str(raw.get("area", area)),
            questions=questions,
            answer=fill(str(raw["answer"]).strip()),
            urgent=bool(raw.get("urgent", False)),
            handled_by=raw.get("handled_by"),
        )
    except (KeyError, TypeError) as error:
        raise KnowledgeBaseError(f"{path}: entry {raw!r} lacks {error}") from error
    if len(entry.questions) < 3 or not entry.answer:
        raise KnowledgeBaseError(f"{path}: entry {entry.id} needs 3+ questions and an answer")
    return entry


def _parse_route(raw: dict) -> IntentRoute:
    return IntentRoute(area=raw.get("area"), threshold=raw.get("threshold"))


def _parse_settings(raw: dict) -> SearchSettings:
    return SearchSettings(
        answer_threshold=float(raw["answer_threshold"]),
        suggest_ratio=float(raw["suggest_ratio"]),
        max_suggestions=int(raw["max_suggestions"]),
        area_boost=float(raw["area_boost"]),
        see_also_text=str(raw["see_also_text"]),
        intents={name: _parse_route(r) for name, r in (raw.get("intents") or {}).items()},
        stopwords=tuple(str(w) for w in raw.get("stopwords") or ()),
        not_covered_ratio=float(raw.get("not_covered_ratio", 1.0)),
        other_area_threshold=float(raw.get("other_area_threshold", 0.0)),
        emergency={str(kind): str(entry_id) for kind, entry_id in (raw.get("emergency") or {}).items()},
        meaning_weight=float(raw.get("meaning_weight", 1.0)),
    )


def _parse_topics(data: dict, path: Path, fill: Callable[[str], str]) -> List[NotCoveredTopic]:
    topics = []
    for raw in data.get("topics") or []:
        try:
            topic = NotCoveredTopic(str(raw["id"]), tuple(fill(str(q).strip()) for q in raw["questions"]))
        except (KeyError, TypeError) as error:
            raise KnowledgeBaseError(f"{path}: topic {raw!r} lacks {error}") from error
        if len(topic.questions) < 3:
            raise KnowledgeBaseError(f"{path}: topic {topic.id} needs 3+ questions")
        topics.append(topic)
    return topics


def knowledge_base_files(directory: Path) -> List[Path]:
    return sorted(directory.glob("*.yml"))


def load_knowledge_base(directory: Path, fill: Callable[[str], str] = str) -> KnowledgeBase:
    """Read every area file, the synonyms, the settings and the not-covered topics in ``directory``.

    ``fill`` writes the company's names into questions and answers (``{app}`` ->
    星汇钱包, `bot.text.catalogue.Catalogue.fill`)."""
    entries: List[FaqEntry] = []
    topics: List[NotCoveredTopic] = []
    synonyms: Tuple[Tuple[str, ...], ...] = ()
    settings: Optional[SearchSettings] = None
    for path in knowledge_base_files(directory):
        data = _read_yaml(path)
        if path.name == SYNONYMS_FILE:
            synonyms = tuple(tuple(str(w) for w in group) for group in data["synonyms"])
        elif path.name == SETTINGS_FILE:
            settings = _parse_settings(data)
        elif path.name == NOT_COVERED_FILE:
            topics = _parse_topics(data, path, fill)
        else:
            area = str(data.get("area", path.stem))
            entries.extend(_parse_entry(raw, area, path, fill) for raw in data.get("entries", []))
    if settings is None:
        raise KnowledgeBaseError(f"{directory}: {SETTINGS_FILE} is missing")
    ids = [e.id for e in entries] + [t.id for t in topics]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise KnowledgeBaseError(f"duplicate FAQ ids: {', '.join(duplicates)}")
    if not entries:
        raise KnowledgeBaseError(f"{directory}: no FAQ entries")
    unknown = sorted(set(settings.emergency.values()) - {e.id for e in entries})
    if unknown:
        raise KnowledgeBaseError(f"{SETTINGS_FILE}: emergency names no entry {', '.join(unknown)}")
    return KnowledgeBase(entries=tuple(entries), synonyms=synonyms, settings=settings,
                         not_covered=tuple(topics))
