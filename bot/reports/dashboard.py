"""The dashboard's four charts from a `Report`, each with the table that says the same
in numbers (for screen readers, and for anyone who would rather read)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Sequence, Tuple

from bot.reports import charts
from bot.reports.figures import ALL, RATINGS, Report
from bot.reports.table import GroupLabel


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    svg: str  # escaped markup
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]


def _percent(part: int, whole: int) -> str:
    return f"{part / whole * 100:.0f}%" if whole else "—"


def daily_chart(report: Report) -> Chart:
    days = [f"{d.day:%m-%d}" for d in report.days]
    title = "每日对话与机器人独立解决"
    desc = (f"{report.period.first} 至 {report.period.last} 共 {report.conversations} 次对话，机器人独立解决 "
            f"{report.contained} 次（{_percent(report.contained, report.conversations)}）。")
    svg = charts.bar_chart("chart-daily", title, desc, days, [
        charts.Series("对话数", charts.LIGHT_BLUE, [d.conversations for d in report.days]),
        charts.Series("机器人独立解决", charts.BLUE, [d.contained for d in report.days])])
    rows = [[f"{d.day:%Y-%m-%d}", str(d.conversations), str(d.contained), _percent(d.contained, d.conversations)]
            for d in report.days]
    return Chart("chart-daily", title, svg, ["日期", "对话数", "机器人独立解决", "自助解决率"], rows)


def reasons_chart(report: Report, label: GroupLabel) -> Chart:
    bars: List[Tuple[str, float]] = [(label("handoffs_by_reason", r), n) for r, n in report.by_reason.items()]
    title = "转人工原因"
    listed = "，".join(f"{name} {n:g}" for name, n in bars) or "没有转人工"
    desc = f"共 {report.handoffs} 次转人工：{listed}。"
    svg = charts.horizontal_bars("chart-reasons", title, desc, bars, charts.AMBER)
    return Chart("chart-reasons", title, svg, ["原因", "工单数"], [[name, f"{n:g}"] for name, n in bars])


def ratings_chart(report: Report) -> Chart:
    csat = report.csat_by_channel[ALL]
    title = "评分分布（全部渠道）"
    average = "—" if csat.average is None else f"{csat.average:.2f}"
    desc = (f"共 {csat.count} 个评分，平均 {average} 分；"
            + "，".join(f"{r} 星 {csat.distribution[r]} 个" for r in RATINGS) + "。")
    svg = charts.bar_chart("chart-ratings", title, desc, [f"{r} 星" for r in RATINGS],
                           [charts.Series("评分数", charts.GREEN, [csat.distribution[r] for r in RATINGS])])
    table = [[f"{r} 星", str(csat.distribution[r])] for r in RATINGS]
    return Chart("chart-ratings", title, svg, ["评分", "个数"], table)


def sla_chart(report: Report) -> Chart:
    title = "首次响应 SLA 达标情况"
    rows = [(priority, [("达标", charts.GREEN, float(s.met)), ("超时", charts.RED, float(s.missed))])
            for priority, s in report.sla.items()]
    listed = "；".join(f"{p} 达标 {s.met}、超时 {s.missed}" for p, s in report.sla.items()) or "没有可计入的工单"
    svg = charts.stacked_shares("chart-sla", title, f"按优先级：{listed}。", rows)
    table = [[p, str(s.met), str(s.missed), "—" if s.rate is None else f"{s.rate * 100:.0f}%"]
             for p, s in report.sla.items()]
    return Chart("chart-sla", title, svg, ["优先级", "达标", "超时", "达标率"], table)


def dashboard_charts(report: Report, label: GroupLabel) -> List[Chart]:
    return [daily_chart(report), reasons_chart(report, label), ratings_chart(report), sla_chart(report)]
