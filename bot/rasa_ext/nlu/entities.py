"""Merge entities found by patterns and by DIET, and attach normalised values.

Patterns (regexes and lookup tables) are precise for phone numbers, ids, banks
and carriers; DIET generalises to phrasings no pattern covers. Where both find
the same text, the pattern's span wins.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from bot.text.normalize import normalize_phone, parse_amount, parse_rating

Entity = Dict[str, Any]

PATTERN_EXTRACTOR = "RegexEntityExtractor"

# entity type -> normaliser; an entity whose type is in STRICT_TYPES and whose
# normaliser returns None is dropped (a "phone number" that is not one).
NORMALIZERS: Dict[str, Callable[[str], Optional[Any]]] = {
    "phone_number": normalize_phone,
    "amount": parse_amount,
    "rating": parse_rating,
}
STRICT_TYPES = {"phone_number", "rating"}


def _overlaps(a: Entity, b: Entity) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def _span(entity: Entity) -> int:
    return entity["end"] - entity["start"]


def _keep_longest_without_overlap(entities: List[Entity]) -> List[Entity]:
    kept: List[Entity] = []
    for entity in sorted(entities, key=_span, reverse=True):
        if not any(_overlaps(entity, other) for other in kept):
            kept.append(entity)
    return kept


def reconcile(entities: List[Entity]) -> List[Entity]:
    """Return the entities with overlaps resolved and normalised values added."""
    positioned = [e for e in entities if "start" in e and "end" in e]
    unpositioned = [e for e in entities if not ("start" in e and "end" in e)]
    from_patterns = _keep_longest_without_overlap(
        [e for e in positioned if e.get("extractor") == PATTERN_EXTRACTOR]
    )
    from_model = [
        e
        for e in positioned
        if e.get("extractor") != PATTERN_EXTRACTOR
        and not any(_overlaps(e, p) for p in from_patterns)
    ]
    merged: List[Entity] = []
    for entity in sorted(from_patterns + from_model, key=lambda e: e["start"]):
        normaliser = NORMALIZERS.get(entity["entity"])
        if normaliser is not None:
            normalized = normaliser(str(entity["value"]))
            if normalized is None and entity["entity"] in STRICT_TYPES:
                continue
            if normalized is not None:
                entity = {**entity, "normalized": normalized}
        merged.append(entity)
    return merged + unpositioned
