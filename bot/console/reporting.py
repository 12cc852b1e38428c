"""The dashboard's sources and wording, built once per console."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import Tuple

from bot.console.databases import Databases
from bot.diagnostics.spec import DiagnosticsSpec
from bot.handoff.sla import ServiceHours
from bot.reports.period import zone
from bot.reports.sources import ReportSources
from bot.reports.table import Wording
from bot.settings import Settings


@dataclass(frozen=True)
class Reporting:
    """Where the dashboard's figures come from and how they read."""

    sources: ReportSources
    wording: Wording
    zone: tzinfo
    areas: Tuple[str, ...]

    @classmethod
    def build(cls, settings: Settings, databases: Databases) -> "Reporting":
        sources = ReportSources(databases.main, databases.tracker)
        areas = tuple(dict.fromkeys(DiagnosticsSpec.load(settings.support_dir).forms.values()))
        hours_zone = zone(ServiceHours.load(settings.support_dir / "service_hours.yml").timezone)
        return cls(sources, Wording.load(settings.support_dir), hours_zone, areas)
