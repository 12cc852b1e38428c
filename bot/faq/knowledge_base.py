"""Load the FAQ knowledge base and the search settings from ``data/faq``."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import yaml

SYNONYMS_FILE = "synonyms.yml"
SETTINGS_FILE = "search.yml"
NOT_COVERED_FILE = "not_covered.yml"
RESERVED_FILES = (SYNONYMS_FILE, SETTINGS_FILE, NOT_COVERED_FILE)
MIN_QUESTIONS = 3


class KnowledgeBaseError(ValueError):
    """The knowledge base is malformed (missing fields, duplicate ids or questions, an
    unknown area): the one validator for the YAML files and the console's editor, its
    message in Chinese for the people who fix it."""


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
    name: str = ""  # how the customer is told what we cannot answer ("借款还款")


@dataclass(frozen=True)
class IntentRoute:
    """How the lookup searches for one predicted intent."""

    area: Optional[str] = None
    threshold: Optional[float] = None


@dataclass(frozen=True)
class TopicChoice:
    """A message that is only a topic ("转账", "验证码"): which of its common questions?
    Asked with the entries as buttons rather than guessing one (search.yml `topics`)."""

    words: Tuple[str, ...]
    prompt: str
    entries: Tuple[str, ...]


@dataclass(frozen=True)
class ProblemPhrases:
    """How customers name one area's problem inside a longer message ("登录不上"), to
    notice a second problem told beside the one answered (search.yml `problem_phrases`)."""

    area: str
    name: str  # what the customer is told to send to come back to it (a topic word)
    phrases: Tuple[str, ...]


@dataclass(frozen=True)
class ScamSign:
    """A sign of a scam the customer just told ("他说要转到安全账户 还要保密"), named
    before the scam's steps so the customer hears why it is one (search.yml `scam_signs`)."""

    words: Tuple[str, ...]
    say: str


@dataclass(frozen=True)
class ReceiverSide:
    """Entries for money that should have come in (search.yml `receiver_side`), which a
    customer who sent the money never needs: "我转给我老婆的钱咋还没到帐" is nearest
    "别人说转给我了但我没收到" by its words and meaning alike. The customer sent it when
    a ``sent`` pattern comes before any ``received`` one (regular expressions)."""

    entries: Tuple[str, ...] = ()
    sent: Tuple[str, ...] = ()
    received: Tuple[str, ...] = ()

    def sender_tells(self, text: str) -> bool:
        """Whether ``text`` tells the customer sent the money (and not, first, received it)."""
        sent = [m.start() for p in self.sent for m in [re.search(p, text)] if m]
        if not sent:
            return False
        received = [m.start() for p in self.received for m in [re.search(p, text)] if m]
        return not received or min(sent) < min(received)


@dataclass(frozen=True)
class ArrivalSeen:
    """How a customer says they now see the money arrived ("看到了 有一条写着收款1000")
    after being told where to look (search.yml `arrival_seen`): opened by one of
    ``openers``, naming one of ``words``, and none of ``not_words`` (看到了 但显示失败)."""

    openers: Tuple[str, ...] = ()
    words: Tuple[str, ...] = ()
    not_words: Tuple[str, ...] = ()


@dataclass(frozen=True)
class OtherProducts:
    """Another company's credit or savings product named (花呗, 余额宝, a bank's credit card:
    search.yml `other_products`): our ``entries`` about our own such products do not
    answer it; the not-covered ``topic`` says so."""

    topic: str = ""
    words: Tuple[str, ...] = ()
    entries: Tuple[str, ...] = ()

    def names_one(self, text: str) -> bool:
        lowered = text.lower()
        return any(word in lowered for word in self.words)


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
    # Entries that answer one story of theft or a scam more exactly than its kind's entry
    # (an account lent out to pass money on is a crime to stop, not a loss to report):
    # such a story gets one of them when it ranks first.
    emergency_specific: Tuple[str, ...] = ()
    # Entries that help money leave, withheld once theft or a scam was told (actions/faq.py).
    helps_paying: Tuple[str, ...] = ()
    # How much the sentence embedding weighs beside the words (bot.faq.index).
    meaning_weight: float = 1.0
    topics: Tuple[TopicChoice, ...] = ()
    problem_phrases: Tuple[ProblemPhrases, ...] = ()
    arrival_seen: ArrivalSeen = ArrivalSeen()
    # "就那个啊 你们不是说会退吗": words that point at something the bot cannot see.
    earlier_refs: Tuple[str, ...] = ()
    # "我眼睛不好 字太小了", "我弄不来": the answer, then larger text, family and a person
    # who can walk them through it offered.
    needs_guidance: Tuple[str, ...] = ()
    # "你说的我都没看懂 直接说点哪" right after an answer: its key step again, plainly.
    asks_simpler: Tuple[str, ...] = ()
    scam_signs: Tuple[ScamSign, ...] = ()
    receiver_side: ReceiverSide = ReceiverSide()
    other_products: OtherProducts = OtherProducts()

    def scam_signs_in(self, text: str, most: int = 2) -> List[str]:
        """What to say about the signs of a scam ``text`` tells, at most ``most``, in
        the order search.yml lists them."""
        return [sign.say for sign in self.scam_signs if any(w in text for w in sign.words)][:most]

    def intent_of(self, area: str) -> Optional[str]:
        """The intent whose searches this area's entries answer (``intents``)."""
        return next((name for name, route in self.intents.items() if route.area == area), None)

    @property
    def areas(self) -> Tuple[str, ...]:
        """The problem areas an entry may belong to: those the intents route to."""
        return tuple(dict.fromkeys(r.area for r in self.intents.values() if r.area))


@dataclass(frozen=True)
class KnowledgeBase:
    entries: Tuple[FaqEntry, ...]
    synonyms: Tuple[Tuple[str, ...], ...]
    settings: SearchSettings
    not_covered: Tuple[NotCoveredTopic, ...] = ()
    by_id: Dict[str, FaqEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {e.id: e for e in self.entries})

    def topic(self, topic_id: Optional[str]) -> Optional[NotCoveredTopic]:
        """The not-covered topic of that id, if any."""
        return next((t for t in self.not_covered if t.id == topic_id), None)


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise KnowledgeBaseError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise KnowledgeBaseError(f"{path}: expected a mapping at the top level")
    return data


def _parse_entry(raw: Mapping[str, Any], area: str, where: str, fill: Callable[[str], str]) -> FaqEntry:
    if not isinstance(raw, Mapping):
        raise KnowledgeBaseError(f"{where}：条目格式不对（应为包含 id、questions、answer 的映射）")
    try:
        questions = tuple(fill(str(q).strip()) for q in raw["questions"] if str(q).strip())
        entry = FaqEntry(
            id=str(raw["id"]),
            area=str(raw.get("area") or area),
            questions=questions,
            answer=fill(str(raw["answer"] or "").strip()),
            urgent=bool(raw.get("urgent", False)),
            handled_by=raw.get("handled_by"),
        )
    except (KeyError, TypeError) as error:
        raise KnowledgeBaseError(f"{where}：条目 {raw.get('id', '')} 缺少字段 {error}") from error
    if not entry.answer:
        raise KnowledgeBaseError(f"{where}：条目“{_name(entry)}”的答案不能为空")
    if len(entry.questions) < MIN_QUESTIONS:
        raise KnowledgeBaseError(f"{where}：条目“{_name(entry)}”至少需要 {MIN_QUESTIONS} 个问法")
    return entry


def _name(entry: FaqEntry) -> str:
    return entry.questions[0] if entry.questions else entry.id


def parse_entries(raw_entries: Iterable[Mapping[str, Any]], where: str = "知识库",
                  fill: Callable[[str], str] = str, area: str = "") -> List[FaqEntry]:
    """Entries in the exchange format (``id``, ``area``, ``questions``, ``answer``,
    ``urgent``, ``handled_by``), as an area file or the console's editor holds them."""
    return [_parse_entry(raw, area, where, fill) for raw in raw_entries]


def _parse_route(raw: dict) -> IntentRoute:
    return IntentRoute(area=raw.get("area"), threshold=raw.get("threshold"))


def _patterns(raw: Iterable[Any], regular: bool) -> Tuple[str, ...]:
    """Strings, each (``regular``) a valid regular expression."""
    found = tuple(str(w) for w in raw)
    for pattern in found if regular else ():
        try:
            re.compile(pattern)
        except re.error as error:
            raise KnowledgeBaseError(f"search.yml：表达式“{pattern}”写得不对：{error}") from error
    return found


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
        emergency_specific=tuple(str(e) for e in raw.get("emergency_specific") or ()),
        helps_paying=tuple(str(e) for e in raw.get("helps_paying") or ()),
        meaning_weight=float(raw.get("meaning_weight", 1.0)),
        topics=tuple(TopicChoice(words=tuple(str(w) for w in t["words"]), prompt=str(t["prompt"]),
                                 entries=tuple(str(e) for e in t["entries"]))
                     for t in raw.get("topics") or ()),
        problem_phrases=tuple(ProblemPhrases(area=str(area), name=str(p["name"]),
                                             phrases=tuple(str(w) for w in p["phrases"]))
                              for area, p in (raw.get("problem_phrases") or {}).items()),
        arrival_seen=ArrivalSeen(**{key: tuple(str(w) for w in (raw.get("arrival_seen") or {}).get(key) or ())
                                    for key in ("openers", "words", "not_words")}),
        earlier_refs=tuple(str(w) for w in raw.get("earlier_refs") or ()),
        needs_guidance=tuple(str(w) for w in raw.get("needs_guidance") or ()),
        asks_simpler=tuple(str(w) for w in raw.get("asks_simpler") or ()),
        scam_signs=tuple(ScamSign(words=tuple(str(w) for w in sign["words"]), say=str(sign["say"]))
                         for sign in raw.get("scam_signs") or ()),
        receiver_side=ReceiverSide(**{key: _patterns((raw.get("receiver_side") or {}).get(key) or (), key != "entries")
                                      for key in ("entries", "sent", "received")}),
        other_products=_parse_other_products(raw.get("other_products") or {}),
    )


def _parse_other_products(raw: dict) -> OtherProducts:
    return OtherProducts(topic=str(raw.get("topic") or ""), words=tuple(str(w).lower() for w in raw.get("words") or ()),
                         entries=tuple(str(e) for e in raw.get("entries") or ()))


def _parse_topics(data: dict, path: Path, fill: Callable[[str], str]) -> List[NotCoveredTopic]:
    topics = []
    for raw in data.get("topics") or []:
        try:
            topic = NotCoveredTopic(str(raw["id"]), tuple(fill(str(q).strip()) for q in raw["questions"]),
                                    fill(str(raw.get("name") or "")))
        except (KeyError, TypeError) as error:
            raise KnowledgeBaseError(f"{path}: topic {raw!r} lacks {error}") from error
        if len(topic.questions) < 3:
            raise KnowledgeBaseError(f"{path}: topic {topic.id} needs 3+ questions")
        topics.append(topic)
    return topics


def knowledge_base_files(directory: Path) -> List[Path]:
    return sorted(directory.glob("*.yml"))


def area_files(directory: Path) -> List[Path]:
    """The files that hold entries (one per area), in the order they are read."""
    return [p for p in knowledge_base_files(directory) if p.name not in RESERVED_FILES]


def load_knowledge_base(directory: Path, fill: Callable[[str], str] = str,
                        entries: Optional[Sequence[Mapping[str, Any]]] = None) -> KnowledgeBase:
    """Read every area file, the synonyms, the settings and the not-covered topics in ``directory``.

    ``fill`` writes the company's names into questions and answers (``{app}`` ->
    星汇钱包, `bot.text.catalogue.Catalogue.fill`). ``entries`` (the exchange format,
    e.g. the version the console published) replace the area files' entries."""
    parsed: List[FaqEntry] = []
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
        elif entries is None:
            parsed.extend(parse_entries(data.get("entries") or [], str(path), fill, str(data.get("area", path.stem))))
    if entries is not None:
        parsed = parse_entries(entries, fill=fill)
    if settings is None:
        raise KnowledgeBaseError(f"{directory}: {SETTINGS_FILE} is missing")
    check_entries(parsed, settings, topics)
    return KnowledgeBase(entries=tuple(parsed), synonyms=synonyms, settings=settings,
                         not_covered=tuple(topics))


def check_entries(entries: Sequence[FaqEntry], settings: SearchSettings,
                  topics: Sequence[NotCoveredTopic] = ()) -> None:
    """What holds across entries: unique ids, each question in one entry only, known
    areas, the urgent entries search.yml names present."""
    ids = [e.id for e in entries] + [t.id for t in topics]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise KnowledgeBaseError(f"FAQ 条目编号重复：{', '.join(duplicates)}")
    if not entries:
        raise KnowledgeBaseError("知识库里没有任何条目")
    owners: Dict[str, FaqEntry] = {}
    for entry in entries:
        if entry.area not in settings.areas:
            raise KnowledgeBaseError(f"条目“{_name(entry)}”的问题类别无效：{entry.area}")
        for question in entry.questions:
            key = _question_key(question)
            other = owners.setdefault(key, entry)
            if other is not entry:
                where = "同一条目里写了两次" if other.id == entry.id else f"已经属于条目“{_name(other)}”"
                raise KnowledgeBaseError(f"问法“{question}”{where}：每个问法只能出现一次")
    unknown = sorted((set(settings.emergency.values()) | set(settings.emergency_specific)) - {e.id for e in entries})
    if unknown:
        raise KnowledgeBaseError(f"盗号、诈骗时回答的紧急条目不能删除：{', '.join(unknown)}")


def _question_key(question: str) -> str:
    """Questions compared without case, spaces and punctuation."""
    return "".join(ch for ch in question.lower() if ch.isalnum())
