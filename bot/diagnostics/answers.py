"""Read a customer's answer to one diagnostic question.

Pure functions over the message text, its intent and entities, so the form
validation action stays thin and the rules are tested without Rasa.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Tuple

import cn2an

from bot.diagnostics.spec import STRICT_KINDS, DiagnosticsSpec, SlotSpec
from bot.text.normalize import amount_within, normalize_phone, parse_amount

_NOISE = re.compile(r"[\s\W_]+")
_FILLERS = re.compile(r"^(我|也|真的?|这个|都|那个|嗯)+|(吧|啊|呢|呀|哦|了|哈|诶|欸)+$")
_COUNT = re.compile(r"([0-9]+|[一二两三四五六七八九十]+)\s*(次|遍|回|下)?")
_BARE_COUNT = re.compile(r"^(?:大概|差不多|大约|约|就|一共|总共)?([0-9]+|[一二两三四五六七八九十]+)$")
_VAGUE_COUNT = re.compile(r"(好几|几|很多|无数|多|N|n)\s*(次|遍|回)")
_PHONE_LIKE = re.compile(r"[+\d][\d\s\-]{5,}\d")
# Where an answer splits into parts that each say "don't know" (找不到 没有).
_PARTS = re.compile(r"[\s,，。.!！;；、~～]+")
# An identifier typed in groups (4200 0021 5720 ...) is one identifier.
_ID_GAP = re.compile(r"(?<=[0-9*]{3})\s+(?=[0-9*]{3})")
_ID_RUN = re.compile(r"[A-Za-z0-9*][A-Za-z0-9*_\-]*")
_ASCII_WORD = re.compile(r"^[ -~]+$")

YES = "是"
NO = "否"


@dataclass(frozen=True)
class Reading:
    """A parsed answer (``value``), or the reply key explaining why it is not usable."""

    value: Any = None
    problem: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.value is not None


def core_text(text: str) -> str:
    """The answer without punctuation, spaces and filler words, lower-cased."""
    core = _NOISE.sub("", text or "").lower()
    previous = None
    while previous != core:
        previous, core = core, _FILLERS.sub("", core)
    return core


@lru_cache(maxsize=16)
def _cores(words: FrozenSet[str]) -> FrozenSet[str]:
    """``words`` as core_text() leaves them (忘了 -> 忘), to compare with an answer's core."""
    return frozenset(core_text(word) for word in words) - {""}


def is_skip(text: str, spec: DiagnosticsSpec) -> bool:
    """"不知道", "跳过吧", "忘了。", "找不到 没有" and the like: the customer cannot answer this one."""
    cores = _cores(spec.skip_words)
    if core_text(text) in cores:
        return True
    parts = [core for core in (core_text(part) for part in _PARTS.split(text or "")) if core]
    return len(parts) > 1 and all(part in cores for part in parts)


def says_none(text: str, spec: DiagnosticsSpec) -> bool:
    """A skip word anywhere in the message ("没有单号", "订单号找不到了", "I have no order number")."""
    lowered = (text or "").lower()
    for word in spec.skip_words:
        if _ASCII_WORD.match(word):
            if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", lowered):
                return True
        elif len(word) > 1 and word in lowered:
            return True
    return False


def is_stop(text: str, spec: DiagnosticsSpec) -> bool:
    """"算了", "算了吧", "不填了": the customer wants no more questions."""
    return core_text(text) in _cores(spec.stop_words)


def declines(text: str, spec: DiagnosticsSpec) -> bool:
    """"我不想说金额", "这个不方便透露": the customer will not give a detail (不想说了
    alone stops the questions instead)."""
    return any(word in (text or "") for word in spec.decline_words) and not is_stop(text, spec)


def declined_details(text: str, spec: DiagnosticsSpec) -> FrozenSet[str]:
    """The slots a declining message names ("我不想说金额" -> amount); none named: empty."""
    if not declines(text, spec):
        return frozenset()
    return frozenset(slot for slot, words in spec.detail_words.items() if any(w in text for w in words))


# "要手续费不", "到账了没", "能退不": a question asked as A-not-A, its "不"/"没" last.
_A_NOT_A_LAST = re.compile(r"(?:[^还也都并可就是别我他她你不没]不|了没有?)$")
# "行不行", "退不退": the same word either side of 不 or 没.
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")


def is_question(text: str, spec: DiagnosticsSpec) -> bool:
    if any(marker in text for marker in spec.question_markers):
        return True
    core = core_text(text)
    if any(m.group(1) not in "不没" for m in _A_NOT_A.finditer(core)):
        return True
    return len(core) >= 3 and _A_NOT_A_LAST.search(core) is not None


def says_solved(text: str, spec: DiagnosticsSpec) -> bool:
    """"好了付上了 谢谢", "找到了 现在登上了": solved, in the middle of the questions. Not
    "收到了 但是提示验证码错误" or "还没到账" (`solved_not_words`), nor a question about
    what came ("收到了 一下子来了四五条 用哪个")."""
    lowered = (text or "").lower()
    return any(w in lowered for w in spec.solved_words) and not any(w in lowered for w in spec.solved_not_words) \
        and not is_question(text, spec)


def asks_why_we_ask(text: str, spec: DiagnosticsSpec) -> bool:
    """"你问我运营商干嘛", "为什么要告诉你", "你是不是想骗我": why we want to know."""
    if any(word in text for word in spec.why_asking) and any(word in text for word in spec.why_words):
        return True
    return "你" in text and any(word in text for word in spec.suspicion_words)


def reports_a_screen(text: str, spec: DiagnosticsSpec) -> bool:
    """"提示账户被冻结", "显示系统繁忙": what the screen said, whatever it names."""
    return core_text(text).startswith(spec.report_openers)


def is_interruption(slot: SlotSpec, text: str, intent: Optional[str], entities: List[Mapping[str, Any]],
                    spec: DiagnosticsSpec, problem: Optional[str] = None) -> bool:
    """True when the message is not an answer to ``slot`` at all: the form pauses
    for it and the rules in data/rules/diagnostics.yml answer it by its intent.
    ``problem``: the problem intent of the form that asks.

    - 不知道 / 跳过 / 找不到 没有 is always an answer, whatever intent it was given;
    - 转人工, 不填了, 你好 ... (`interruptions`) never are, nor is 算了 read as `deny`;
    - a question is not: one with a question word ("转账限额是多少"), or one asked
      by its intent without any ("会员自动续费取消" read as general_question, a
      problem of another area), unless it is a usable answer of a strict kind
      (an order number, an amount) or tells what the screen said ("提示账户被冻结");
    - a problem told at a yes-or-no question without a yes or a no is not."""
    if is_skip(text, spec):
        return False
    if intent in spec.interruptions:
        return True
    if intent in spec.stop_intents and is_stop(text, spec):
        return True
    if intent not in spec.question_intents or reports_a_screen(text, spec):
        return False
    if is_question(text, spec):
        return True
    if slot.kind == "yes_no" and intent in spec.problems and _read_yes_no(text, intent, spec) is None:
        # "收到了 但是提示验证码错误" asked whether they are abroad: a new turn of the
        # problem, not a yes or a no.
        return True
    asking = intent in spec.asking_intents or (intent in spec.problems and intent != problem)
    if not asking:
        return False
    return slot.kind not in STRICT_KINDS or not read_answer(slot, text, intent, entities, spec).ok


def _not_an_answer(text: str, intent: Optional[str], spec: DiagnosticsSpec) -> bool:
    """A question to the bot ("这是什么意思？") rather than words about the problem."""
    return (intent not in spec.answer_intents and is_question(text, spec)
            and not reports_a_screen(text, spec))


def entity_value(entities: Iterable[Mapping[str, Any]], name: Optional[str]) -> Any:
    """The normalised value of the first entity ``name``, else its text value."""
    for entity in entities:
        if name and entity.get("entity") == name:
            return entity.get("normalized", entity.get("value"))
    return None


def _read_yes_no(text: str, intent: Optional[str], spec: DiagnosticsSpec) -> Optional[str]:
    """是 / 否 from the intent or the words; "没有 在国内" is 否, "人在国外" is 是.

    Negations are looked for first (不在国外 contains 国外); one-character words
    (是, 有, 对) only count on their own. When the words decide, they are kept
    for staff: 是（上周刚换了新手机）."""
    core = core_text(text)
    if intent == "affirm" or core in spec.yes_words:
        return YES
    if intent == "deny" or core in spec.no_words:
        return NO
    if any(word in core for word in spec.no_words if len(word) > 1):
        return f"{NO}（{text}）"
    if any(word in core for word in spec.yes_words if len(word) > 1):
        return f"{YES}（{text}）"
    return None


def _read_count(text: str, with_unit: bool = False) -> Any:
    """A number of attempts: said with 次/遍/回 ("试了三次"), or alone ("3", "大概5");
    a number among other words ("又扣了一笔") is not a count. ``with_unit``: only
    a number said with its unit."""
    counted = next((match.group(1) for match in _COUNT.finditer(text) if match.group(2)), None)
    if counted is None and not with_unit:
        bare = _BARE_COUNT.match(core_text(text))
        counted = bare.group(1) if bare else None
    if counted is None:
        return None
    try:
        return int(cn2an.cn2an(counted, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def _read_phone(text: str, entities: List[Mapping[str, Any]], slot: SlotSpec) -> Reading:
    found = entity_value(entities, slot.entity)
    if found:
        return Reading(str(found))
    for candidate in _PHONE_LIKE.findall(text):
        phone = normalize_phone(candidate)
        if phone:
            return Reading(phone)
    return Reading(problem="invalid_phone")


def _read_amount(text: str, entities: List[Mapping[str, Any]], slot: SlotSpec) -> Reading:
    found = entity_value(entities, slot.entity)
    if isinstance(found, (int, float)) and found > 0:
        return Reading(float(found))
    # Not core_text(): the decimal point matters here.
    parsed = parse_amount(_FILLERS.sub("", re.sub(r"[\s。！!？?，,]+$|\s", "", text))) or amount_within(text)
    return Reading(parsed) if parsed else Reading(problem="invalid_amount")


def identifiers(text: str, spec: DiagnosticsSpec) -> List[str]:
    """Order or transaction numbers in ``text``: runs of letters and digits (``*`` where
    digits were masked, ``-`` ``_`` inside) of the length and digit count of `identifier`."""
    shape = spec.identifier
    found: List[str] = []
    for run in _ID_RUN.findall(_ID_GAP.sub("", text or "")):
        run = run.rstrip("-_")
        if (shape.min_chars <= len(run) <= shape.max_chars
                and sum(ch.isdigit() for ch in run) >= shape.min_digits and run not in found):
            found.append(run)
    return found


def _read_id(text: str, entities: List[Mapping[str, Any]], slot: SlotSpec, spec: DiagnosticsSpec) -> Reading:
    """The identifiers the customer typed (several joined by 、), else the slot's entity;
    a message without one that says 没有 / 找不到 is skipped."""
    found = identifiers(text, spec)
    named = entity_value(entities, slot.entity)
    if not found and named:
        found = [str(named)]
    if found:
        return Reading("、".join(found)[: spec.max_answer_chars])
    if says_none(text, spec):
        return Reading(spec.skipped_value) if slot.optional else Reading(problem="required")
    return Reading(problem="invalid_id")


_WAITED = re.compile(r"等了\s*([^，,。！!？?\s]{1,10})")
# "今天第三天了", "两个钟头了", "一个多星期了": time gone by since the problem began.
_ELAPSED = re.compile(r"((?:第|好)?(?:[0-9]+|[一二两三四五六七八九十几半]+)\s*(?:来|多)?\s*个?\s*多?\s*"
                      r"(?:分钟|小时|钟头|天|周|礼拜|星期|月))了")


def _read_duration(text: str, spec: DiagnosticsSpec) -> Optional[str]:
    """The customer's words when they name a length of time (5分钟, 半小时, 两天, 一会儿)."""
    core = core_text(text)
    if any(word in core for word in spec.duration_words):
        return text
    # 十来分钟, 20多分钟, 半个多小时: an approximate number is still a length of time
    number = r"([0-9]+|[一二两三四五六七八九十几半]+)\s*(来|多|几)?\s*(个)?\s*(多)?\s*"
    units = "|".join(re.escape(u) for u in spec.duration_units)
    return text if units and re.search(number + f"({units})", text) else None


def _read_choice(text: str, entities: List[Mapping[str, Any]], slot: SlotSpec,
                 spec: DiagnosticsSpec) -> Optional[str]:
    """The slot's entity (synonym-mapped: 联通 -> 中国联通), else an accepted word said alone."""
    found = entity_value(entities, slot.entity)
    if found:
        return str(found)
    core = core_text(text)
    return next((word for word in spec.choices.get(slot.name, ()) if core == word.lower()), None)


def read_answer(slot: SlotSpec, text: str, intent: Optional[str],
                entities: List[Mapping[str, Any]], spec: DiagnosticsSpec) -> Reading:
    """What the customer's message says about ``slot``, asked as the current question."""
    text = (text or "").strip()
    if is_stop(text, spec):
        return Reading(problem="how_to_stop")
    if slot.kind == "yes_no":
        answer = _read_yes_no(text, intent, spec)
        if answer:
            return Reading(answer)
    if is_skip(text, spec):
        return Reading(spec.skipped_value) if slot.optional else Reading(problem="required")
    if not core_text(text):
        return Reading(problem="empty_answer")
    if slot.kind == "id":
        return _read_id(text, entities, slot, spec)
    if slot.kind == "phone":
        return _read_phone(text, entities, slot)
    if slot.kind == "amount":
        return _read_amount(text, entities, slot)
    if slot.kind == "count":
        count = _read_count(text)
        if count is None and _VAGUE_COUNT.search(text):
            count = text[: spec.max_answer_chars]  # 好几次: the customer's words
        return Reading(count) if count is not None else Reading(problem="invalid_count")
    if slot.kind == "duration":
        duration = _read_duration(text, spec)
        return Reading(duration[: spec.max_answer_chars]) if duration else Reading(problem="invalid_duration")
    if slot.kind == "choice":
        chosen = _read_choice(text, entities, slot, spec)
        return Reading(chosen) if chosen else Reading(problem="invalid_choice")
    if _not_an_answer(text, intent, spec):
        return Reading(problem="not_an_answer")
    named = _answer_entity(text, entities, slot.entity)
    return Reading(named if named is not None else text[: spec.max_answer_chars])


def corrects(text: str, spec: DiagnosticsSpec) -> bool:
    """"不对 是昨天", "说错了 是中信": the customer corrects an earlier answer."""
    return core_text(text).startswith(spec.correction_openers)


def without_correction(text: str, spec: DiagnosticsSpec) -> str:
    """"不对 是前天" -> "前天": the corrected value without the words that correct."""
    stripped = text.strip()
    for opener in spec.correction_openers:
        if stripped.startswith(opener):
            stripped = re.sub(r"^[\s，,。!！]*(是|应该是)?\s*", "", stripped[len(opener):])
            break
    return stripped or text


def fits_elsewhere(open_slots: Sequence[SlotSpec], text: str, entities: List[Mapping[str, Any]],
                   spec: DiagnosticsSpec) -> Optional[Tuple[str, Any]]:
    """(slot, value) when an answer that does not fit the question asked clearly answers
    another open question of the form ("3次" asked how long they waited; "昨天下午"
    or "工商" asked the amount: the time, the bank)."""
    for slot in open_slots:
        if slot.kind not in STRICT_KINDS:
            if slot.entity and entity_value(entities, slot.entity) is not None:
                named = _answer_entity(text, entities, slot.entity)
                return slot.name, named if named is not None else text[: spec.max_answer_chars]
            continue
        if slot.kind == "count":
            value = _read_count(text, with_unit=True)
        elif slot.kind == "duration":
            value = _read_duration(text, spec)
        elif slot.kind == "choice":
            value = _read_choice(text, entities, slot, spec)
        else:
            reading = read_answer(slot, text, None, entities, spec)
            value = reading.value if reading.ok and entity_value(entities, slot.entity) is not None else None
        if value is not None:
            return slot.name, value
    return None


def _answer_entity(text: str, entities: List[Mapping[str, Any]], name: Optional[str]) -> Any:
    """The entity's (synonym-mapped) value when it is the whole answer: a button
    payload, or 联通的 / 招行 with little around it. Otherwise the customer's own
    words are kept: they may say more than the entity does."""
    for entity in entities:
        if not name or entity.get("entity") != name:
            continue
        if text.startswith("/"):
            return entity.get("value")
        span = text[entity.get("start", 0):entity.get("end", 0)]
        if span and len(core_text(span)) * 2 >= len(core_text(text)):
            return entity.get("normalized", entity.get("value"))
    return None


# Messages that give details (not questions or problems, whose figures may be limits or fees).
DETAIL_MESSAGE_INTENTS = frozenset({"inform"})
SCREEN_ENTITY = "error_code"  # the slot that keeps what the screen said (error_message)
TIME_ENTITY = "time_expression"  # the slot that keeps when it happened (incident_time)
# "给供应商转的货款 12800 昨晚11点 他说没收到": a problem told with its figure standing
# alone; not when the message gives a number of another kind (尾号 6621, 错误代码 1002);
# "手机号输错一位 转了2400" names a phone number but gives none.
FIGURE_TELLING_INTENTS = frozenset({"transfer_failed", "billing_issue"})
_OTHER_NUMBERS = re.compile(r"(?:尾号|代码|错误码|编号|单号|卡号|验证码|密码|手机号|电话|号码)\s*(?:是|为|:|：)?\s*\d")


def prefill(slot: SlotSpec, user_events: Sequence[Mapping[str, Any]], spec: DiagnosticsSpec) -> Any:
    """A value for ``slot`` that the customer already gave earlier in the conversation."""
    if slot.from_metadata:
        described = describe_device(user_events[-1].get("metadata") if user_events else None, spec)
        if described:
            return described
    if slot.from_words:
        for event in reversed(user_events):
            text = event.get("text") or ""
            if text.startswith("/") or _intent_of(event) in spec.asking_intents:
                continue  # "会员怎么取消自动续费" asks; it does not say what the customer wants
            said = next((value for value, words in slot.from_words if any(w in text for w in words)), None)
            if said is not None:
                return said
    if slot.kind == "duration":
        # "联通 等了两分钟", "今天第三天了" before the question: how long they waited is said.
        for event in reversed(user_events):
            for match in (*_WAITED.finditer(event.get("text") or ""), *_ELAPSED.finditer(event.get("text") or "")):
                if _read_duration(match.group(1), spec):
                    return match.group(1)[: spec.max_answer_chars]
    if not slot.entity:
        return _declined_earlier(slot, user_events, spec)
    if slot.entity == SCREEN_ENTITY:
        # "提示 持卡人信息与实名信息不一致" just before the questions: what the screen said.
        for event in reversed(user_events):
            text = (event.get("text") or "").strip()
            if reports_a_screen(text, spec) and _intent_of(event) not in spec.asking_intents:
                return text[: spec.max_answer_chars]
    for event in reversed(user_events):
        entities = (event.get("parse_data") or {}).get("entities") or []
        found = entity_value(entities, slot.entity)
        if found is None:
            continue
        if slot.kind == "phone":
            return normalize_phone(str(found))
        if slot.kind == "amount":
            return float(found) if isinstance(found, (int, float)) else parse_amount(str(found))
        return str(found)
    if slot.entity == TIME_ENTITY:
        # "显示处理中 两个钟头了": when it happened, counted back from now.
        for event in reversed(user_events):
            elapsed = _ELAPSED.search(event.get("text") or "")
            if elapsed and _intent_of(event) not in spec.asking_intents:
                return f"{elapsed.group(1)}前"[: spec.max_answer_chars]
    if slot.kind == "amount":
        # "1000 昨天晚上八点 农业银行": a message of details whose figure no extractor named.
        for event in reversed(user_events):
            value = amount_within(event.get("text") or "") if _tells_a_figure(event) else None
            if value:
                return value
    return _declined_earlier(slot, user_events, spec)


def _tells_a_figure(event: Mapping[str, Any]) -> bool:
    """Whether a bare figure in the message may be the amount (`prefill`)."""
    intent, text = _intent_of(event), event.get("text") or ""
    return intent in DETAIL_MESSAGE_INTENTS or (intent in FIGURE_TELLING_INTENTS
                                                and not _OTHER_NUMBERS.search(text))


def _intent_of(event: Mapping[str, Any]) -> Optional[str]:
    """The intent the NLU gave a user event."""
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def _declined_earlier(slot: SlotSpec, user_events: Sequence[Mapping[str, Any]], spec: DiagnosticsSpec) -> Any:
    """"我不想说金额" before the amount was asked: not asked (the customer said so)."""
    if any(slot.name in declined_details(event.get("text") or "", spec) for event in user_events):
        return spec.skipped_value
    return None


def describe_device(metadata: Optional[Mapping[str, Any]], spec: DiagnosticsSpec) -> Optional[str]:
    """"iPhone 15 / iOS 17.2 / App 5.3.0" from the channel's message metadata."""
    if not isinstance(metadata, Mapping):
        return None
    parts: Dict[str, str] = {key: str(metadata[key]).strip()[:60] for key in spec.metadata_keys
                             if metadata.get(key) not in (None, "")}
    if not parts:
        return None
    if "app_version" in parts:
        parts["app_version"] = f"App {parts['app_version']}"
    return " / ".join(parts.values())
