"""Teach the bot and report on it, end to end, on servers of this module's own (fresh
tracker store and ticket database, so every figure can be counted by hand): the
history of tests/support/live_history.py goes through the web chat, REST and the
console; the dashboard and the CSV must give the hand counts and agree with each
other; the corrections export loads with Rasa's reader, passes `rasa data validate`
inside data/nlu, and a model retrained on it gets the corrected sentence right.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from collections import Counter
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from statistics import median
from typing import Dict, Iterator, List, Tuple

import pytest
import yaml
from dateutil import tz

from bot.diagnostics.spec import DiagnosticsSpec
from bot.handoff.sla import ServiceHours, SlaClock
from bot.processes import training_environment
from bot.storage.engine import make_engine
from bot.storage.migrate import upgrade
from bot.storage.tickets import TicketStore
from bot.texts import Texts
from tests.conftest import RASA, ROOT, WEBCHAT_SECRET
from tests.support import live_history
from tests.support.console import ConsoleServer, start_console
from tests.support.processes import free_port, running
from tests.support.servers import RASA_API_TOKEN, action_server_command, rasa_server_command, write_endpoints

pytestmark = pytest.mark.model

SH = tz.gettz("Asia/Shanghai")
SUPPORT = ROOT / "data" / "support"
CLOCK = SlaClock(ServiceHours.load(SUPPORT / "service_hours.yml"), Texts.load(SUPPORT).replies("due_times"))
AREAS = set(DiagnosticsSpec.load(SUPPORT).forms.values())


@pytest.fixture(scope="module")
def stack(tmp_path_factory, model_path) -> Iterator[Tuple[str, ConsoleServer, str]]:
    """Action server, Rasa (web chat and REST) and console on a database and tracker store
    nobody else writes: (Rasa's URL, the console, the database URL)."""
    work = tmp_path_factory.mktemp("teach-and-report")
    database = f"sqlite:///{work / 'bot.db'}"
    upgrade(database)
    with ExitStack() as servers:
        port = free_port()
        servers.enter_context(running(action_server_command(port), f"http://127.0.0.1:{port}/health",
                                      work / "actions.log",
                                      env={"FAQ_DIR": str(ROOT / "data" / "faq"), "DATABASE_URL": database}))
        endpoints = write_endpoints(work / "endpoints.yml", f"http://127.0.0.1:{port}/webhook", work / "tracker.db")
        rasa_port = free_port()
        servers.enter_context(running(
            rasa_server_command(rasa_port, model_path, endpoints), f"http://127.0.0.1:{rasa_port}/webhooks/rest/",
            work / "rasa.log", env={"DATABASE_URL": database, "WEBCHAT_SECRET": WEBCHAT_SECRET,
                                    "RASA_API_TOKEN": RASA_API_TOKEN, "RATE_LIMIT_PER_IP": "0",
                                    "RATE_LIMIT_PER_SENDER": "0"}))
        rasa = f"http://127.0.0.1:{rasa_port}"
        console = servers.enter_context(start_console(
            work, database_url=database,
            env={"ENDPOINTS_FILE": str(endpoints), "RASA_URL": rasa, "RASA_API_TOKEN": RASA_API_TOKEN}))
        yield rasa, console, database


@pytest.fixture(scope="module")
def history(stack) -> live_history.LiveHistory:
    rasa, console, _ = stack
    return live_history.build(rasa, console)


@pytest.fixture(scope="module")
def days() -> str:
    """Yesterday and today in Beijing: the whole history, even if it ran across midnight."""
    today = datetime.now(SH).date()
    return f"from={today - timedelta(days=1)}&to={today}"


@pytest.fixture(scope="module")
def lead(stack, history):
    _, console, _ = stack
    client, _ = console.signed_in("agent")
    return client


@pytest.fixture(scope="module")
def csv_rows(lead, days) -> Dict[str, str]:
    answer = lead.get(f"/reports.csv?{days}")
    assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.body.lstrip("\ufeff"))))
    return {f"{r['section']}/{r['figure']}/{r['group']}": r["value"] for r in rows}


@pytest.fixture(scope="module")
def tickets(stack, history):
    _, _, database = stack
    return TicketStore(make_engine(database)).list(limit=1000)


def number(raw: str) -> float:
    return float(raw)


def test_conversations_containment_and_fallback_rate(history, csv_rows):
    customers = history.customers
    handed = [c for c in customers if c.tickets]
    assert csv_rows["conversations/conversations/"] == str(len(customers)) == "14"
    assert csv_rows["conversations/contained/"] == str(len(customers) - len(handed))
    assert number(csv_rows["conversations/containment/"]) == round((len(customers) - len(handed)) / len(customers), 4)
    answered, rephrased = sum(c.answered for c in customers), sum(c.rephrased for c in customers)
    assert history.unclear.rephrased == 1 and history.complaint.answered == history.complaint.sent - 1  # paused once
    assert (csv_rows["conversations/answered_turns/"], csv_rows["conversations/rephrase_turns/"]) == (
        str(answered), str(rephrased))
    assert number(csv_rows["conversations/fallback_rate/"]) == round(rephrased / answered, 4)
    daily = [k for k in csv_rows if k.startswith("daily/conversations/")]
    assert sum(int(csv_rows[k]) for k in daily) == len(customers)


def test_handoffs_by_reason_and_area_and_cancelled(history, csv_rows, tickets):
    seen = set().union(*(c.tickets for c in history.customers))
    assert {t.number for t in tickets} == seen and csv_rows["handoffs/handoffs/"] == str(len(seen))
    by_number = {t.number: t for t in tickets}
    assert by_number[history.complaint.ticket].handoff_reason == "complaint"
    assert by_number[history.called_off.ticket].handoff_reason == "customer_request"
    assert by_number[history.unclear.ticket].handoff_reason == "low_confidence"
    reasons = Counter(t.handoff_reason for t in tickets)
    assert {k.split("/")[2]: int(v) for k, v in csv_rows.items() if k.startswith("handoffs_by_reason/")} == reasons
    areas = Counter(t.intent if t.intent in AREAS else "other" for t in tickets)
    assert {k.split("/")[2]: int(v) for k, v in csv_rows.items() if k.startswith("handoffs_by_area/")} == areas
    assert "取消" in history.called_off.replies[-1] and by_number[history.called_off.ticket].status == "cancelled"
    assert csv_rows["handoffs/cancelled/"] == "1"
    assert csv_rows["handoffs/no_first_response/"] == str(len(seen) - 2)  # two were answered in the console


def _hours(start: datetime, end: datetime) -> Tuple[float, float]:
    return (end - start).total_seconds() / 3600, CLOCK.service_time_between(start, end).total_seconds() / 3600


def test_first_response_and_resolution_times(history, csv_rows, tickets):
    answered = [t for t in tickets if t.number in history.agents]
    assert len(answered) == 2 and all(t.status == "resolved" for t in answered)
    for group, end in (("first_response", "first_response_at"), ("resolution", "closed_at")):
        spans = [_hours(t.created_at, getattr(t, end)) for t in answered]
        clock, service = [c for c, _ in spans], [s for _, s in spans]
        assert csv_rows[f"times/tickets/{group}"] == "2"
        assert number(csv_rows[f"times/median_clock_hours/{group}"]) == pytest.approx(median(clock), abs=1e-4)
        assert number(csv_rows[f"times/p90_clock_hours/{group}"]) == pytest.approx(max(clock), abs=1e-4)
        assert number(csv_rows[f"times/median_service_hours/{group}"]) == pytest.approx(median(service), abs=1e-4)
        assert number(csv_rows[f"times/p90_service_hours/{group}"]) == pytest.approx(max(service), abs=1e-4)


def test_sla_compliance_per_priority(history, csv_rows, tickets):
    now = datetime.now(timezone.utc)
    assert all(t.sla_due_at > now for t in tickets)  # nothing is overdue a few minutes in
    for priority in {t.priority for t in tickets}:
        mine = [t for t in tickets if t.priority == priority]
        met = sum(1 for t in mine if t.number in history.agents)  # answered within seconds
        assert (csv_rows[f"sla/met/{priority}"], csv_rows[f"sla/missed/{priority}"],
                csv_rows[f"sla/not_counted/{priority}"]) == (str(met), "0", str(len(mine) - met))
    assert (csv_rows["sla/met/all"], csv_rows["sla/compliance/all"]) == ("2", "1")


def test_csat_per_channel_and_per_agent(history, csv_rows):
    by_channel: Dict[str, List[int]] = {}
    for customer in history.customers:
        by_channel.setdefault(customer.channel, []).extend(customer.ratings)
    everything = [r for values in by_channel.values() for r in values]
    assert history.rest.ratings == [3] and everything
    for group, values in {"all": everything, **{k: v for k, v in by_channel.items() if v}}.items():
        assert csv_rows[f"csat_by_channel/ratings/{group}"] == str(len(values))
        assert number(csv_rows[f"csat_by_channel/average/{group}"]) == round(sum(values) / len(values), 2)
        for star in range(1, 6):
            assert csv_rows[f"csat_by_channel/rating_{star}/{group}"] == str(values.count(star))
    for agent, values in history.ratings_by_agent.items():
        assert csv_rows[f"csat_by_agent/ratings/{agent}"] == str(len(values))
        assert number(csv_rows[f"csat_by_agent/average/{agent}"]) == sum(values) / len(values)
    assert not [k for k in csv_rows if k.startswith("csat_by_agent/ratings/")
                and k.split("/")[2] not in history.ratings_by_agent]


def test_the_intents_staff_corrected(history, csv_rows):
    intents = [c for c in history.corrections if c.kind == "intent"]
    assert history.corrections[0].predicted != live_history.MISREAD_INTENT, "the model reads it right now: pick " \
        "another sentence for live_history.MISREAD"
    assert csv_rows["corrections/intent_corrections/"] == str(len(intents)) == "2"
    assert csv_rows["corrections/answers_marked_wrong/"] == "1"
    pairs = Counter(f"{c.predicted}>{c.corrected}" for c in intents)
    assert {k.split("/", 2)[2]: int(v) for k, v in csv_rows.items() if k.startswith("corrected_intents/")} == pairs
    assert csv_rows[f"wrong_answers/answers/{history.corrections[2].predicted}"] == "1"


class _Figures(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: Dict[str, set] = {}

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        if "data-figure" in values:
            self.found.setdefault(values["data-figure"], set()).add(values.get("data-value") or "")


def test_the_page_shows_what_the_csv_says(lead, days, csv_rows):
    page = lead.get(f"/reports?{days}")
    assert page.status == 200
    parser = _Figures()
    parser.feed(page.body)
    assert {key: values for key, values in parser.found.items()} == {key: {v} for key, v in csv_rows.items()}
    for words in ("自助解决率", "未理解率", "首次响应 SLA", "评分分布", "<svg", "数据表", "更正最多的意图"):
        assert words in page.body
    assert "导出训练数据" not in page.body  # for admins only


def _export(stack, tmp_path: Path) -> Tuple[Path, Path]:
    _, _, database = stack
    out = tmp_path / "corrections.yml"
    env = {**os.environ, "DATABASE_URL": database}
    done = subprocess.run([sys.executable, "-m", "bot", "export-nlu", "--since", str(datetime.now(SH).date()
                                                                                   - timedelta(days=1)),
                           "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return out, tmp_path / "corrections_faq_drafts.yml"


@pytest.fixture(scope="module")
def exported(stack, history, tmp_path_factory) -> Tuple[Path, Path]:
    return _export(stack, tmp_path_factory.mktemp("export"))


def test_the_export_round_trips_through_rasa_s_reader(exported):
    from rasa.shared.nlu.training_data.loading import load_data

    nlu, _ = exported
    data = load_data(str(nlu))
    assert [(m.get("text"), m.get("intent")) for m in data.intent_examples] == [
        (live_history.MISREAD, live_history.MISREAD_INTENT)]


def test_a_new_faq_question_is_a_draft_with_the_agent_s_reply(exported):
    _, drafts = exported
    [entry] = yaml.safe_load(drafts.read_text(encoding="utf-8"))["entries"]
    assert entry["questions"] == [live_history.NEW_QUESTION]
    assert entry["answer"].strip() == live_history.AGENT_ANSWER


def test_admins_download_the_same_export(stack, history, exported, days):
    _, console, _ = stack
    admin, _ = console.signed_in("admin")
    page = admin.get(f"/reports?{days}")
    assert "导出训练数据" in page.body and "导出 FAQ 草稿" in page.body
    since = days.split("&")[0].split("=")[1]
    download = admin.get(f"/admin/corrections/nlu.yml?since={since}")
    assert download.status == 200 and "attachment" in download.headers["Content-Disposition"]
    without_header = [line for line in download.body.splitlines() if not line.startswith("#")]
    assert without_header == [line for line in exported[0].read_text(encoding="utf-8").splitlines()
                              if not line.startswith("#")]
    assert live_history.NEW_QUESTION in admin.get(f"/admin/corrections/faq-drafts.yml?since={since}").body
    agent, _ = console.signed_in("agent")
    agent.get("/reports")
    assert agent.get("/admin/corrections/nlu.yml").status == 403


@pytest.fixture(scope="module")
def project_copy(exported, tmp_path_factory) -> Path:
    """The project's training data with the export placed in data/nlu."""
    copy = tmp_path_factory.mktemp("project") / "data"
    for part in ("nlu", "rules", "stories"):
        shutil.copytree(ROOT / "data" / part, copy / part)
    shutil.copy(exported[0], copy / "nlu" / "corrections.yml")
    return copy


def test_the_export_passes_rasa_data_validate_in_data_nlu(project_copy):
    done = subprocess.run([RASA, "data", "validate", "--data", str(project_copy), "--domain", "domain.yml",
                           "--config", "config.yml", "--fail-on-warnings"],
                          cwd=ROOT, env=training_environment(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]


def test_after_retraining_on_the_export_the_corrected_sentence_is_understood(project_copy, tmp_path_factory):
    """The one training of this module (about 3 minutes): NLU only, into a temporary folder."""
    import asyncio

    from rasa.core.agent import Agent

    out = tmp_path_factory.mktemp("retrained")
    done = subprocess.run([RASA, "train", "nlu", "--config", "config.yml", "--nlu", str(project_copy / "nlu"),
                           "--out", str(out), "--fixed-model-name", "corrected", "--num-threads", "2"],
                          cwd=ROOT, env=training_environment(), capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    agent = Agent.load(str(out / "corrected.tar.gz"))
    parsed = asyncio.run(agent.parse_message(live_history.MISREAD))
    assert parsed["intent"]["name"] == live_history.MISREAD_INTENT, parsed["intent"]
