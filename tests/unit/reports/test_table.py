"""The report as rows: the CSV and the page's tables carry every figure, with the same value;
the charts are accessible SVG."""
import csv
import io
import xml.etree.ElementTree as ET

import pytest

from bot.reports.dashboard import dashboard_charts
from bot.reports.table import CSV_COLUMNS, Wording, rows, tables, to_csv
from tests.support.servers import ROOT

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def wording():
    return Wording.load(ROOT / "data" / "support")


def label(section, group):
    return f"<{section}:{group}>"


def test_every_figure_has_a_name_a_unit_and_a_definition(report, wording):
    for row in rows(report):
        figure = wording.figure(row)
        assert figure.label and figure.definition and figure.unit in ("count", "share", "hours", "rating")


def test_the_csv_has_one_line_per_figure(report, wording):
    text = to_csv(rows(report), wording, label)
    assert text.startswith("\ufeffsection,")
    lines = list(csv.DictReader(io.StringIO(text[1:])))
    assert tuple(lines[0]) == CSV_COLUMNS and len(lines) == len(rows(report))
    found = {(r["section"], r["figure"], r["group"]): r for r in lines}
    assert found[("conversations", "containment", "")]["value"] == "0.3333"
    assert found[("conversations", "conversations", "")]["value"] == "6"
    assert found[("times", "median_clock_hours", "first_response")]["value"] == "7.4583"
    assert found[("sla", "compliance", "P3")]["value"] == ""  # nothing to judge
    assert found[("csat_by_channel", "average", "webchat")]["value"] == "4.67"
    assert found[("corrected_intents", "corrections", "billing_issue>transfer_failed")]["value"] == "2"
    assert found[("sla", "met", "all")]["value"] == "1"
    assert found[("handoffs_by_reason", "handoffs", "complaint")]["group_label"] == "<handoffs_by_reason:complaint>"
    assert found[("daily", "conversations", "2026-11-30")]["definition"].startswith("当天")


def test_the_page_s_tables_show_every_csv_value(report, wording):
    csv_values = {f"{r.section}/{r.figure}/{r.group}": r for r in rows(report)}
    page = {cell.key: cell for table in tables(rows(report), wording, label) for _, line in table.lines
            for cell in line if cell is not None}
    assert page.keys() == csv_values.keys()
    lines = {(r["section"], r["figure"], r["group"]): r["value"]
             for r in csv.DictReader(io.StringIO(to_csv(rows(report), wording, label)[1:]))}
    assert {key: cell.raw for key, cell in page.items()} == {"/".join(k): v for k, v in lines.items()}
    assert page["conversations/containment/"].text == "33.3%"
    assert page["times/p90_service_hours/first_response"].text == "1.50 小时"
    assert page["times/median_service_hours/first_response"].text == "1.00 小时"
    assert page["times/tickets/first_response"].text == "2"


def test_charts_are_accessible_svg_with_escaped_text(report):
    charts = dashboard_charts(report, lambda section, group: "<b>投诉</b>" if group == "complaint" else group)
    assert [c.id for c in charts] == ["chart-daily", "chart-reasons", "chart-ratings", "chart-sla"]
    for chart in charts:
        root = ET.fromstring(chart.svg)
        assert root.get("role") == "img"
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title.text == chart.title and desc.text
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert "style=" not in chart.svg  # the console's CSP allows no inline styles
        assert chart.rows and all(len(r) == len(chart.headers) for r in chart.rows)
    reasons = charts[1]
    assert "<b>" not in reasons.svg and "&lt;b&gt;投诉&lt;/b&gt;" in reasons.svg
    assert "共 4 次转人工" in ET.fromstring(reasons.svg).find(f"{SVG}desc").text
    assert charts[2].rows == [["1 星", "1"], ["2 星", "0"], ["3 星", "1"], ["4 星", "1"], ["5 星", "2"]]
