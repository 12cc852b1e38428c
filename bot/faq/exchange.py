"""The knowledge base's entries between the YAML files and the database.

``data/faq/<area>.yml`` is the seed and the exchange format: ``read_entries``
takes the entries out of the area files (raw: ``{app}`` placeholders kept), one
plain dict per entry with its area; ``write_entries`` writes such a list back as
the same files (``area:``, ``entries:``, answers as ``|`` blocks). Search
settings, synonyms and the not-covered topics stay files: developers tune them.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping

import yaml

from bot.faq.knowledge_base import KnowledgeBaseError, area_files

Entry = Dict[str, Any]
FIELDS = ("id", "area", "questions", "answer", "urgent", "handled_by")


def normalized(raw: Mapping[str, Any], area: str = "") -> Entry:
    """One entry in the exchange format: known fields only, text stripped, blank
    questions dropped, ``handled_by`` only when set (the loader validates the rest)."""
    entry: Entry = {
        "id": str(raw.get("id") or "").strip(),
        "area": str(raw.get("area") or area).strip(),
        "questions": [str(q).strip() for q in raw.get("questions") or () if str(q).strip()],
        "answer": str(raw.get("answer") or "").strip(),
        "urgent": bool(raw.get("urgent", False)),
    }
    if raw.get("handled_by"):
        entry["handled_by"] = str(raw["handled_by"])
    return entry


def read_entries(directory: Path) -> List[Entry]:
    """Every area file's entries, file by file in name order, as written."""
    entries: List[Entry] = []
    for path in area_files(directory):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            raise KnowledgeBaseError(f"{path.name} 不是有效的 YAML：{error}") from error
        area = str(data.get("area", path.stem))
        entries.extend(normalized(raw, area) for raw in data.get("entries") or [] if isinstance(raw, Mapping))
    return entries


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, multi-line text as ``|`` blocks, as the files are written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> Any:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


def _entry_yaml(entry: Mapping[str, Any]) -> str:
    body: Entry = {"id": entry["id"]}
    if entry.get("handled_by"):
        body["handled_by"] = entry["handled_by"]
    body["questions"] = list(entry["questions"])
    answer = str(entry["answer"])
    body["answer"] = answer + "\n" if "\n" in answer else answer
    body["urgent"] = bool(entry.get("urgent", False))
    text = yaml.dump([body], Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000)
    return "".join("  " + line if line.strip() else line for line in text.splitlines(keepends=True))


def area_yaml(area: str, entries: Iterable[Mapping[str, Any]]) -> str:
    """One area file's text."""
    blocks = [_entry_yaml(e) for e in entries]
    if not blocks:
        return f"area: {area}\nentries: []\n"
    return f"area: {area}\nentries:\n" + "\n".join(blocks)


def write_entries(entries: Iterable[Mapping[str, Any]], directory: Path) -> List[Path]:
    """Write ``entries`` as one file per area into ``directory``; an area file that has
    no entries any more keeps an empty list. Returns the files written."""
    by_area: Dict[str, List[Mapping[str, Any]]] = {}
    for entry in entries:
        by_area.setdefault(str(entry["area"]), []).append(entry)
    for path in area_files(directory):
        by_area.setdefault(path.stem, [])
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for area, area_entries in sorted(by_area.items()):
        path = directory / f"{area}.yml"
        path.write_text(area_yaml(area, area_entries), encoding="utf-8")
        written.append(path)
    return written
