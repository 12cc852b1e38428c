"""The misunderstood inbox as a real console process, on a tracker store of its own written
here (no Rasa server): admins only, forms need their token, bad input is refused; groups in
Chinese with masked texts; approving, adding to the FAQ, drafting a FAQ entry and ignoring
take messages out; the leak guard refuses an evaluation sentence and says why."""
from __future__ import annotations

import html
import re
import time
from datetime import datetime, timedelta, timezone
from typing import Iterator, List

import pytest

from bot.storage.engine import make_engine
from bot.storage.faq_versions import FaqVersionStore
from bot.storage.inbox import InboxStore
from bot.teaching.examples import examples_by_intent
from tests.support.console import ConsoleClient, ConsoleServer, start_console
from tests.support.servers import ROOT, write_endpoints
from tests.support.staff_text import codes_in, page_text
from tests.unit.reports.test_sources import events_table, row

NOW = datetime.now(timezone.utc)
FALLBACK = {"intent": {"name": "nlu_fallback", "confidence": 0.3},
            "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.3},
                               {"name": "inform", "confidence": 0.25}, {"name": "out_of_scope", "confidence": 0.2}]}
FAQ_QUESTION = {"intent": {"name": "general_question", "confidence": 0.9},
                "intent_ranking": [{"name": "general_question", "confidence": 0.9}]}
HOLDOUT = examples_by_intent([ROOT / "tests" / "nlu" / "holdout.yml"])["billing_issue"][0]


@pytest.fixture(scope="module")
def console(tmp_path_factory) -> Iterator[ConsoleServer]:
    work = tmp_path_factory.mktemp("console-inbox")
    tracker_db = work / "tracker.db"
    tracker = make_engine(f"sqlite:///{tracker_db}")
    table = events_table(tracker)
    said = [("alice", "月月少九块九", FALLBACK, None), ("bob", "九块九又没了", FALLBACK, None),
            ("carol", "年费发票可以开专票吗", FAQ_QUESTION, "not_found"),
            ("dave", HOLDOUT, FALLBACK, None), ("erin", "手机13812345678一直没收到那个", FALLBACK, None),
            ("frank", "你们周末上不上班", FALLBACK, None), ("gina", "转账一直转不出去怎么回事", FALLBACK, None),
            ("hank", "转账一直转不出去怎么回事", FALLBACK, None)]
    rows = []
    for hours, (sender, text, parse, outcome) in enumerate(said):
        at = NOW - timedelta(hours=len(said) - hours)
        rows.append(row(sender, "user", at, text=text, parse_data=parse))
        if outcome:
            rows.append(row(sender, "slot", at, name="faq_outcome", value=outcome))
    with tracker.begin() as connection:
        connection.execute(table.insert(), rows)
    endpoints = write_endpoints(work / "endpoints.yml", "http://127.0.0.1:9/webhook", tracker_db)
    with start_console(work, env={"ENDPOINTS_FILE": str(endpoints), "REAL_DEV_FILE": str(work / "absent.tsv")}) \
            as server:
        yield server


def inbox_page(client: ConsoleClient, path: str = "/inbox") -> str:
    """The page once the messages are grouped (the first view may embed them in the background)."""
    deadline = time.monotonic() + 120
    page = client.get(path)
    while "inbox-preparing" in page.body and time.monotonic() < deadline:
        time.sleep(1)
        page = client.get(path)
    assert page.status == 200, page.body[-500:]
    return page.body


def groups(body: str) -> List[str]:
    return body.split('<section class="card inbox-group"')[1:]


def keys_of(body: str, text: str) -> str:
    group = next(g for g in groups(body) if html.escape(text) in g or text in g)
    found = re.search(r'name="keys" value="([^"]+)"', group)
    assert found is not None
    return found.group(1)


def test_the_page_is_for_admins_and_forms_need_their_token(console):
    anonymous = console.client().get("/inbox")
    assert anonymous.status in (302, 303) and "/login" in anonymous.headers["Location"]
    agent, _ = console.signed_in("agent")
    assert agent.get("/inbox").status == 403
    assert agent.post_form("/inbox/groups", {"keys": "t1-1", "action": "ignore"}, with_csrf=False).status == 403
    admin, _ = console.signed_in("admin")
    inbox_page(admin)
    assert admin.post_form("/inbox/groups", {"keys": "t1-1", "action": "ignore"}, with_csrf=False).status == 403


@pytest.mark.parametrize("fields", [
    pytest.param({"action": "ignore"}, id="no-messages"),
    pytest.param({"keys": "t1-1; DROP TABLE", "action": "ignore"}, id="not-keys"),
    pytest.param({"keys": "t1-1", "action": "delete"}, id="unknown-action"),
    pytest.param({"keys": "t1-1", "action": "approve"}, id="no-intent"),
    pytest.param({"keys": "t1-1", "action": "approve", "intent": "__new_faq__"}, id="not-an-intent"),
    pytest.param({"keys": "t1-1", "action": "faq_add"}, id="no-entry"),
])
def test_bad_input_is_refused_with_a_4xx(console, fields):
    admin, _ = console.signed_in("admin")
    inbox_page(admin)
    answer = admin.post_form("/inbox/groups", fields)
    assert 400 <= answer.status < 500, answer.status


def test_groups_read_in_chinese_with_masked_texts_and_no_codes(console):
    admin, _ = console.signed_in("admin")
    body = inbox_page(admin)
    assert "未理解消息" in body and "最近 7 天" in body
    text = page_text(body.split("<main")[1])
    assert "13812345678" not in body and "138****5678" in text
    assert "没听懂" in text or "把握不足" in text
    assert "知识库无答案" in text
    assert codes_in(text) == []
    for word in (".yml", "data/nlu", "git", "make "):
        assert word not in text
    # groups of two first (the one with the newer message before), then the single messages
    sizes = [int(re.search(r'group-\d+-title">(\d+) 条', g).group(1)) for g in groups(body)]
    assert sizes[:2] == [2, 2] and set(sizes[2:]) == {1}
    first, second = groups(body)[:2]
    assert "转账一直转不出去怎么回事" in first  # said last
    assert "月月少九块九" in second and "九块九又没了" in second  # alike in meaning


def test_approving_takes_the_messages_out_and_keeps_them_for_training(console):
    admin, login = console.signed_in("admin")
    body = inbox_page(admin)
    answer = admin.post_form("/inbox/groups", {"keys": keys_of(body, "月月少九块九"), "action": "approve",
                                               "intent": "billing_issue", "days": "7"})
    assert answer.status == 303, answer.body[-300:]
    shown = admin.get(answer.headers["Location"]).body
    assert "已批准 2 条为“账单/扣费”的训练例句" in shown
    assert "月月少九块九" not in shown and "九块九又没了" not in shown
    approved = InboxStore(make_engine(console.database_url)).approved()
    assert {(a.text, a.intent, a.approved_by) for a in approved} >= {
        ("月月少九块九", "billing_issue", login.username), ("九块九又没了", "billing_issue", login.username)}


def test_an_evaluation_sentence_is_refused_and_the_page_says_why(console):
    admin, _ = console.signed_in("admin")
    body = inbox_page(admin)
    answer = admin.post_form("/inbox/groups", {"keys": keys_of(body, HOLDOUT), "action": "approve",
                                               "intent": "billing_issue"})
    assert answer.status == 400
    assert "未被采用的消息" in answer.body and "与评估模型用的句子相同或几乎相同" in answer.body
    assert HOLDOUT not in [a.text for a in InboxStore(make_engine(console.database_url)).approved()]


def test_a_faq_miss_becomes_a_question_of_an_entry_in_a_new_draft_version(console):
    admin, _ = console.signed_in("admin")
    body = inbox_page(admin)
    store = FaqVersionStore(make_engine(console.database_url))
    entry = store.head().entries[0]
    answer = admin.post_form("/inbox/groups", {"keys": keys_of(body, "年费发票可以开专票吗"), "action": "faq_add",
                                               "entry": entry["id"]})
    assert answer.status == 303, answer.body[-300:]
    head = store.head()
    assert "年费发票可以开专票吗" in next(e for e in head.entries if e["id"] == entry["id"])["questions"]
    assert head.author != "初始导入" and store.published_id() != head.number  # a draft, to be published
    shown = admin.get(answer.headers["Location"]).body
    assert "加入知识库条目" in shown
    assert all("年费发票可以开专票吗" not in group.split("<select")[0] for group in groups(shown))


def test_drafting_a_new_entry_opens_the_editor_with_the_question_and_saving_it_takes_it_out(console):
    admin, _ = console.signed_in("admin")
    body = inbox_page(admin)
    form = admin.post_form("/inbox/groups", {"keys": keys_of(body, "你们周末上不上班"), "action": "faq_new"})
    assert form.status == 200 and "新增条目" in form.body and "你们周末上不上班" in form.body
    keys = re.search(r'name="inbox_keys" value="([^"]+)"', form.body).group(1)
    base = re.search(r'name="base" value="(\d+)"', form.body).group(1)
    saved = admin.post_form("/admin/faq/new", {"base": base, "inbox_keys": keys, "area": "general",
                                               "questions": "你们周末上不上班\n周末有人值班吗\n周六周日能办业务吗",
                                               "answer": "周末照常服务，客服 9:00–21:00 在线。"})
    assert saved.status == 303 and "added_from_inbox" in saved.headers["Location"]
    assert all("你们周末上不上班" not in group.split("<select")[0] for group in groups(inbox_page(admin)))


def test_ignored_messages_no_longer_show(console):
    admin, _ = console.signed_in("admin")
    body = inbox_page(admin, "/inbox?days=30")
    answer = admin.post_form("/inbox/groups", {"keys": keys_of(body, "138****5678"), "action": "ignore",
                                               "days": "30"})
    assert answer.status == 303 and "days=30" in answer.headers["Location"]
    assert "138****5678" not in inbox_page(admin, "/inbox?days=30")


def test_only_the_ticked_messages_are_decided(console):
    admin, _ = console.signed_in("admin")
    body = inbox_page(admin)
    keys = keys_of(body, "转账一直转不出去怎么回事").split()
    assert len(keys) == 2 and "×2" in next(g for g in groups(body) if "转账一直转不出去怎么回事" in g)
    answer = admin.post_form("/inbox/groups", [("keys", " ".join(keys)), ("pick", keys[0]), ("action", "ignore")])
    assert answer.status == 303 and "n=1" in answer.headers["Location"]
    assert keys_of(inbox_page(admin), "转账一直转不出去怎么回事") == keys[1]
