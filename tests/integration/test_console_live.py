"""The live inbox's server side through a real console process (`python -m bot console`)
on a database of its own: counts per view, unread counts that reset when the owner
reads, presence that lapses, and the endpoints' errors. Taking over and what the
customer is told: tests/integration/test_console_takeover.py; in Chromium:
tests/browser/test_console_live.py."""
import json
import time
from datetime import datetime, timedelta, timezone

import pytest

from bot.storage.desk import TicketDesk
from bot.storage.engine import make_engine
from bot.storage.presence import TYPING_SECONDS
from bot.storage.tickets import NewMessage, TicketStore
from tests.support.console import start_console
from tests.support.tickets import new_ticket


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    with start_console(tmp_path_factory.mktemp("console-live")) as server:
        yield server


@pytest.fixture(scope="module")
def engine(console):
    return make_engine(console.database_url)


@pytest.fixture(scope="module")
def xiaowang(console):
    login = console.new_staff("agent", display_name="小王", prefix="xiaowang")
    client = console.client()
    assert client.login(login.username, login.password).status == 302
    client.get("/")  # a page with the session's CSRF token
    return client, login


@pytest.fixture(scope="module")
def laoli(console):
    login = console.new_staff("agent", display_name="老李", prefix="laoli")
    client = console.client()
    assert client.login(login.username, login.password).status == 302
    client.get("/")
    return client, login


def open_ticket(engine, key, owner=None):
    number = TicketStore(engine).create(new_ticket(f"live:{key}", sender_id=f"live-{key}")).ticket.number
    if owner:
        TicketDesk(engine).assign(number, owner, owner)
    return number


def customer_says(engine, number, *texts):
    """Messages the customer wrote after the handoff, as the transcript sync adds them."""
    desk = TicketDesk(engine)
    ticket = desk.ticket(number)
    later = datetime.now(timezone.utc) + timedelta(seconds=1)
    desk.append_synced(number, [NewMessage("user", text, sent_at=later) for text in texts],
                       synced_until=(ticket.synced_until or 0.0) + 1.0)


def inbox(client):
    page = client.get("/live/inbox", headers={"Accept": "application/json"})
    assert page.status == 200, page
    return json.loads(page.body)


def live(client, number):
    return next(t for t in inbox(client)["tickets"] if t["number"] == number)


def beat(client, number, body, csrf=True):
    headers = {"Content-Type": "application/json", "Accept": "application/json",
               **({"X-CSRF-Token": client.csrf_token} if csrf else {})}
    return client.request("POST", f"/live/tickets/{number}/presence", json.dumps(body).encode(), headers)


def test_the_views_count_open_tickets_for_whoever_asks(console, engine, xiaowang, laoli):
    (wang, wang_login), (li, li_login) = xiaowang, laoli
    before_wang, before_li = inbox(wang)["counts"], inbox(li)["counts"]
    open_ticket(engine, "count-1")
    open_ticket(engine, "count-2")
    open_ticket(engine, "count-3", owner=wang_login.username)
    closed = open_ticket(engine, "count-4", owner=li_login.username)
    TicketDesk(engine).close(closed, "resolved", li_login.username)
    after_wang, after_li = inbox(wang)["counts"], inbox(li)["counts"]
    assert {view: after_wang[view] - before_wang[view] for view in after_wang} == {
        "all": 3, "unassigned": 2, "mine": 1, "waiting": 2, "assigned": 1}
    assert after_li["mine"] - before_li["mine"] == 0


def test_unread_counts_reset_when_the_owner_reads(console, engine, xiaowang, laoli):
    (wang, wang_login), (li, _) = xiaowang, laoli
    number = open_ticket(engine, "unread", owner=wang_login.username)
    customer_says(engine, number, "还在吗", "我急着用钱")
    assert live(li, number)["unread"] == 2 and live(li, number)["owner_name"] == "小王"
    assert live(li, number)["waiting_minutes"] == 0

    assert li.get(f"/tickets/{number}").status == 200  # someone else looking: still unread
    assert live(wang, number)["unread"] == 2
    assert wang.get(f"/tickets/{number}").status == 200  # the owner opens it: read
    assert live(wang, number)["unread"] == 0

    customer_says(engine, number, "人呢")
    assert live(wang, number)["unread"] == 1
    newest = TicketDesk(engine).view(number).messages[-1].position
    assert beat(wang, number, {"read": newest}).status == 200  # the open page saw it arrive
    assert live(wang, number)["unread"] == 0


def test_presence_shows_who_views_and_types_and_lapses(console, engine, xiaowang, laoli):
    (wang, wang_login), (li, _) = xiaowang, laoli
    number = open_ticket(engine, "presence", owner=wang_login.username)
    first = json.loads(beat(wang, number, {"typing": True}).body)
    assert first["mine"] is True and first["others"] == [] and first["status_label"] == "处理中"
    seen = json.loads(beat(li, number, {}).body)
    assert seen["mine"] is False and seen["owner_name"] == "小王"
    assert seen["others"] == [{"name": "小王", "typing": True}]
    time.sleep(TYPING_SECONDS + 0.5)
    assert json.loads(beat(li, number, {}).body)["others"] == [{"name": "小王", "typing": False}]
    left = wang.post_form(f"/live/tickets/{number}/leave", {})
    assert left.status == 204
    assert json.loads(beat(li, number, {}).body)["others"] == []


@pytest.mark.parametrize("body", [
    pytest.param({"typing": "yes"}, id="typing-not-a-boolean"),
    pytest.param({"read": "7"}, id="read-not-a-number"),
    pytest.param({"read": -5}, id="read-below-minus-one"),
    pytest.param([1, 2], id="not-an-object"),
])
def test_a_malformed_beat_is_refused(console, engine, xiaowang, body):
    client, _ = xiaowang
    number = open_ticket(engine, f"bad-{len(json.dumps(body))}-{time.monotonic_ns()}")
    answer = beat(client, number, body)
    assert answer.status == 400 and json.loads(answer.body)["error"] == "bad_request"


def test_the_live_routes_need_a_session_a_csrf_token_and_a_ticket(console, engine, xiaowang):
    client, _ = xiaowang
    number = open_ticket(engine, "guarded")
    assert beat(client, number, {}, csrf=False).status == 403
    assert beat(client, "T20990101-0001", {}).status == 404
    stranger = console.client()
    signed_out = stranger.get("/live/inbox", headers={"Accept": "application/json"})
    assert signed_out.status == 401 and json.loads(signed_out.body)["error"] == "not_signed_in"


@pytest.mark.services
def test_read_marks_presence_and_claims_work_on_postgresql(postgres_url):
    """The same statements on the production profile's database."""
    from bot.storage.desk import TicketOwnedByOther
    from bot.storage.live_inbox import LiveInbox
    from bot.storage.migrate import upgrade
    from bot.storage.presence import Presence, PresenceStore

    upgrade(postgres_url)
    engine = make_engine(postgres_url)
    try:
        number = open_ticket(engine, "postgres")
        desk = TicketDesk(engine)
        desk.assign(number, "xiaowang", "xiaowang", expected_owner=None)
        with pytest.raises(TicketOwnedByOther):
            desk.assign(number, "laoli", "laoli", expected_owner=None)
        customer_says(engine, number, "还在吗")
        inbox = LiveInbox(engine)
        assert [(t.number, t.owner, t.unread) for t in inbox.open_tickets()] == [(number, "xiaowang", 1)]
        inbox.mark_read(number, "xiaowang", desk.view(number).messages[-1].position)
        inbox.mark_read(number, "xiaowang", 0)
        assert inbox.open_tickets()[0].unread == 0
        presence = PresenceStore(engine)
        presence.beat(number, "laoli", typing=True)
        presence.beat(number, "laoli")
        assert presence.present(number) == [Presence("laoli", True)]
    finally:
        engine.dispose()
