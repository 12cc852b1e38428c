"""A `Report` as rows (section, figure, group, value): what the CSV writes line by
line and what the dashboard lays out as tables, so both show the same numbers.
Names, units and definitions come from data/support/reports.yml."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Tuple

import yaml

from bot.reports.figures import ALL, RATINGS, Csat, Durations, Report, SlaCompliance

REPORTS_FILE = "reports.yml"
PAIR = ">"  # a corrected_intents group: predicted>corrected
CSV_COLUMNS = ("section", "figure", "group", "value", "unit", "section_label", "figure_label", "group_label",
               "definition")


@dataclass(frozen=True)
class Row:
    section: str
    figure: str
    group: str  # "" when the figure has no groups
    value: Optional[float]

    @property
    def key(self) -> str:
        return f"{self.section}/{self.figure}/{self.group}"


@dataclass(frozen=True)
class FigureWording:
    label: str
    unit: str
    definition: str


@dataclass(frozen=True)
class SectionWording:
    title: str
    note: str
    figures: Dict[str, FigureWording]


@dataclass(frozen=True)
class Wording:
    sections: Dict[str, SectionWording]
    groups: Dict[str, str]

    @classmethod
    def load(cls, support_dir: Path) -> "Wording":
        raw = yaml.safe_load((support_dir / REPORTS_FILE).read_text(encoding="utf-8"))
        sections = {
            key: SectionWording(str(s["title"]), str(s.get("note") or ""),
                                {name: FigureWording(str(f["label"]), str(f["unit"]), str(f["definition"]))
                                 for name, f in s["figures"].items()})
            for key, s in raw["sections"].items()}
        return cls(sections, {str(k): str(v) for k, v in (raw.get("groups") or {}).items()})

    def figure(self, row: Row) -> FigureWording:
        return self.sections[row.section].figures[row.figure]


def _csat(section: str, group: str, csat: Csat) -> List[Row]:
    rows = [Row(section, "ratings", group, csat.count), Row(section, "average", group, csat.average)]
    return rows + [Row(section, f"rating_{r}", group, csat.distribution[r]) for r in RATINGS]


def _times(group: str, clock: Durations, service: Durations) -> List[Row]:
    return [Row("times", "tickets", group, clock.count),
            Row("times", "median_service_hours", group, service.median),
            Row("times", "p90_service_hours", group, service.p90),
            Row("times", "median_clock_hours", group, clock.median),
            Row("times", "p90_clock_hours", group, clock.p90)]


def _sla(group: str, sla: SlaCompliance) -> List[Row]:
    return [Row("sla", "met", group, sla.met), Row("sla", "missed", group, sla.missed),
            Row("sla", "not_counted", group, sla.not_counted), Row("sla", "compliance", group, sla.rate)]


def rows(report: Report) -> List[Row]:
    """Every figure of ``report``, in the order the page shows them."""
    found = [Row("conversations", "conversations", "", report.conversations),
             Row("conversations", "contained", "", report.contained),
             Row("conversations", "containment", "", report.containment),
             Row("conversations", "answered_turns", "", report.answered_turns),
             Row("conversations", "rephrase_turns", "", report.rephrase_turns),
             Row("conversations", "fallback_rate", "", report.fallback_rate)]
    for day in report.days:
        found += [Row("daily", "conversations", day.day.isoformat(), day.conversations),
                  Row("daily", "contained", day.day.isoformat(), day.contained),
                  Row("daily", "containment", day.day.isoformat(),
                      round(day.contained / day.conversations, 4) if day.conversations else None)]
    found += [Row("handoffs", "handoffs", "", report.handoffs), Row("handoffs", "cancelled", "", report.cancelled),
              Row("handoffs", "no_first_response", "", report.no_first_response)]
    found += [Row("handoffs_by_reason", "handoffs", reason, n) for reason, n in report.by_reason.items()]
    found += [Row("handoffs_by_area", "handoffs", area, n) for area, n in report.by_area.items()]
    found += _times("first_response", report.first_response_clock, report.first_response_service)
    found += _times("resolution", report.resolution_clock, report.resolution_service)
    for priority, sla in report.sla.items():
        found += _sla(priority, sla)
    if report.sla:
        found += _sla(ALL, SlaCompliance(sum(s.met for s in report.sla.values()),
                                         sum(s.missed for s in report.sla.values()),
                                         sum(s.not_counted for s in report.sla.values())))
    for channel, csat in report.csat_by_channel.items():
        found += _csat("csat_by_channel", channel, csat)
    for agent, csat in report.csat_by_agent.items():
        found += _csat("csat_by_agent", agent, csat)
    found += [Row("corrections", "intent_corrections", "", report.intent_corrections),
              Row("corrections", "answers_marked_wrong", "", sum(report.answers_marked_wrong.values()))]
    found += [Row("corrected_intents", "corrections", f"{p}{PAIR}{c}", n) for p, c, n in report.corrected_intents]
    found += [Row("wrong_answers", "answers", intent, n) for intent, n in report.answers_marked_wrong.items()]
    return found


def value_text(row: Row, unit: str) -> str:
    """The value as the CSV writes it: whole numbers for counts, empty when there is none."""
    if row.value is None:
        return ""
    if unit == "count":
        return str(int(row.value))
    return f"{row.value:.4f}".rstrip("0").rstrip(".") if unit in ("share", "hours") else f"{row.value:.2f}"


def shown(row: Row, unit: str) -> str:
    """The value as the page shows it: 75.0%, 1.25 小时, 4.33 分."""
    if row.value is None:
        return "—"
    if unit == "share":
        return f"{row.value * 100:.1f}%"
    if unit == "hours":
        return f"{row.value * 60:.1f} 分钟" if row.value < 1 else f"{row.value:.2f} 小时"
    if unit == "rating":
        return f"{row.value:.2f} 分"
    return str(int(row.value))


GroupLabel = Callable[[str, str], str]  # (section, group) -> the group in Chinese


def to_csv(found: Iterable[Row], wording: Wording, group_label: GroupLabel) -> str:
    """UTF-8 CSV with a byte-order mark, so spreadsheet programs read the Chinese."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in found:
        section, figure = wording.sections[row.section], wording.figure(row)
        writer.writerow([row.section, row.figure, row.group, value_text(row, figure.unit), figure.unit,
                         section.title, figure.label, group_label(row.section, row.group) if row.group else "",
                         figure.definition])
    return "\ufeff" + out.getvalue()


@dataclass(frozen=True)
class Cell:
    key: str
    raw: str  # as in the CSV
    text: str  # as shown


@dataclass(frozen=True)
class Table:
    """One section as the page lays it out: a row per group, a column per figure."""

    section: str
    title: str
    note: str
    columns: List[Tuple[str, FigureWording]]
    lines: List[Tuple[str, List[Optional[Cell]]]]  # (group label, a cell per column)
    definitions: List[FigureWording]  # of every figure of the section, shown under the table


def tables(found: Iterable[Row], wording: Wording, group_label: GroupLabel) -> List[Table]:
    by_section: Dict[str, List[Row]] = {}
    for row in found:
        by_section.setdefault(row.section, []).append(row)
    result = []
    for section, words in wording.sections.items():
        section_rows = by_section.get(section, [])
        figures = [name for name in words.figures if any(r.figure == name for r in section_rows)]
        groups: Dict[str, Dict[str, Row]] = {}
        for item in section_rows:
            groups.setdefault(item.group, {})[item.figure] = item
        lines: List[Tuple[str, List[Optional[Cell]]]] = []
        for group, cells in groups.items():
            line: List[Optional[Cell]] = []
            for name in figures:
                found_row = cells.get(name)
                unit = words.figures[name].unit
                line.append(Cell(found_row.key, value_text(found_row, unit), shown(found_row, unit))
                            if found_row else None)
            lines.append((group_label(section, group) if group else "", line))
        result.append(Table(section, words.title, words.note, [(n, words.figures[n]) for n in figures], lines,
                            list(words.figures.values())))
    return result
