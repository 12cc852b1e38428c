"""The console's queue: order, every filter, search, pages, and query strings that
are wrong in every way (the page must never fail on them)."""
from datetime import date, datetime, timedelta, timezone

import pytest
from dateutil import tz

from bot.storage.engine import make_engine, make_session_factory
from bot.storage.models import Ticket
from bot.storage.ticket_queue import OTHER, QueueFilter, TicketQueue

SHANGHAI = tz.gettz("Asia/Shanghai")
AREAS = ("account_locked", "transfer_failed", "sms_code_delay", "billing_issue")
BASE = datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)


def at(hours: float) -> datetime:
    return BASE + timedelta(hours=hours)


@pytest.fixture
def engine(migrated_db_url):
    return make_engine(migrated_db_url)


@pytest.fixture
def add(engine):
    sessions = make_session_factory(engine)

    def add(number, priority="P3", due=0.0, created=-1.0, status="waiting", agent=None,
            intent="billing_issue", channel="webchat", phone="1234"):
        with sessions() as session:
            session.add(Ticket(
                number=number, handoff_key=f"key-{number}", sender_id=f"s-{number}", channel=channel,
                status=status, priority=priority, intent=intent, handoff_reason="customer_request",
                diagnostics={}, sla_due_at=at(due), assigned_agent=agent, phone_last4=phone,
                created_at=at(created), updated_at=at(created)))
            session.commit()
        return number

    return add


@pytest.fixture
def queue(engine):
    return TicketQueue(engine)


def numbers(page):
    return [t.number for t in page.rows]


def test_p1_first_then_the_earliest_due_then_the_oldest(queue, add):
    add("T20261202-0001", "P3", due=1)
    add("T20261202-0002", "P2", due=5)
    add("T20261202-0003", "P1", due=0.5)
    add("T20261202-0004", "P2", due=2)
    add("T20261202-0005", "P2", due=2, created=-3)  # same due time, older
    add("T20261202-0006", "P1", due=-1)             # already overdue
    page = queue.page(QueueFilter())
    assert numbers(page) == ["T20261202-0006", "T20261202-0003", "T20261202-0005",
                             "T20261202-0004", "T20261202-0002", "T20261202-0001"]
    assert (page.total, page.page, page.pages) == (6, 1, 1)


def test_closed_tickets_are_left_out_unless_asked_for(queue, add):
    add("T1", status="waiting")
    add("T2", status="assigned", agent="wang")
    add("T3", status="resolved")
    add("T4", status="cancelled")
    assert numbers(queue.page(QueueFilter())) == ["T1", "T2"]
    assert numbers(queue.page(QueueFilter(status="resolved"))) == ["T3"]
    assert sorted(numbers(queue.page(QueueFilter(status="all")))) == ["T1", "T2", "T3", "T4"]


@pytest.mark.parametrize(
    "query, expected",
    [
        pytest.param({"priority": "P1"}, ["A"], id="priority"),
        pytest.param({"intent": "transfer_failed"}, ["B"], id="problem-area"),
        pytest.param({"intent": OTHER}, ["D", "E"], id="other-areas"),
        pytest.param({"channel": "wechat"}, ["C"], id="channel"),
        pytest.param({"status": "waiting"}, ["A", "C", "D", "E"], id="status"),
        pytest.param({"assignee": "none"}, ["A", "C", "D", "E"], id="unassigned"),
        pytest.param({"assignee": "wang"}, ["B"], id="assignee"),
        pytest.param({"assignee": "me"}, ["B"], id="me-is-the-viewer"),
        pytest.param({"from": "2026-12-01"}, ["A", "B", "C", "E"], id="created-from"),
        pytest.param({"to": "2026-11-30"}, ["D"], id="created-to"),
        # 1 December in Shanghai starts at 30 November 16:00 UTC
        pytest.param({"from": "2026-12-01", "to": "2026-12-01"}, ["C"], id="one-shanghai-day"),
        pytest.param({"priority": "P2", "channel": "webchat", "assignee": "wang"}, ["B"], id="combined"),
        pytest.param({"priority": "P3", "channel": "rest"}, [], id="nothing-matches"),
    ],
)
def test_filters(queue, add, query, expected):
    add("A", "P1", intent="account_locked", created=-2)
    add("B", "P2", intent="transfer_failed", status="assigned", agent="wang", due=1)
    add("C", "P3", intent="sms_code_delay", channel="wechat", due=2,
        created=-(10 + 17.5))  # 1 December 06:30 Shanghai (30 November 22:30 UTC)
    add("D", "P3", intent="general_question", due=3, created=-24 * 3)
    add("E", "P3", intent=None, due=4, created=-1)
    found = queue.page(QueueFilter.from_query(query, AREAS).for_user("wang"))
    assert numbers(found) == expected


@pytest.mark.parametrize(
    "search, expected",
    [
        pytest.param("T20261202-0003", ["T20261202-0003"], id="exact-number"),
        pytest.param("t20261202-0003", ["T20261202-0003"], id="lower-case"),
        pytest.param(" T20261202-000 ", ["T20261202-0001", "T20261202-0003"], id="number-prefix"),
        pytest.param("T202612", ["T20261202-0001", "T20261202-0003", "T20261203-0001"], id="day-prefix"),
        pytest.param("20261203", ["T20261203-0001"], id="without-the-T"),
        pytest.param("5678", ["T20261202-0003"], id="phone-last-4"),
        pytest.param("1234", ["T20261202-0001", "T20261203-0001"], id="phone-shared"),
        pytest.param("12345", [], id="five-digits-is-a-number-prefix"),
        pytest.param("T2026%", [], id="no-like-wildcards"),
        pytest.param("13812345678", [], id="full-phone-never-searched"),
        pytest.param("张三", [], id="not-a-number"),
    ],
)
def test_search(queue, add, search, expected):
    add("T20261202-0001", phone="1234")
    add("T20261202-0003", phone="5678", due=1)
    add("T20261203-0001", phone="1234", due=2)
    assert numbers(queue.page(QueueFilter.from_query({"q": [search]}, AREAS))) == expected


def test_pages(queue, add):
    for i in range(7):
        add(f"T{i}", due=i)
    first = queue.page(QueueFilter(per_page=3))
    last = queue.page(QueueFilter(per_page=3, page=3))
    assert (numbers(first), first.pages, first.total) == (["T0", "T1", "T2"], 3, 7)
    assert (numbers(last), last.page) == (["T6"], 3)
    beyond = queue.page(QueueFilter(per_page=3, page=99))
    assert (numbers(beyond), beyond.page) == (["T6"], 3)


def test_an_empty_queue_has_one_empty_page(queue):
    page = queue.page(QueueFilter(page=5))
    assert (page.rows, page.total, page.page, page.pages) == ([], 0, 1, 1)


def test_counts_for_the_tabs(queue, add):
    add("A")
    add("B")
    add("C", status="assigned", agent="wang")
    add("D", status="assigned", agent="li")
    add("E", status="resolved", agent="wang")
    counts = queue.counts("wang")
    assert (counts.waiting, counts.assigned, counts.unassigned, counts.mine, counts.open) == (2, 2, 2, 1, 4)
    assert queue.counts().mine == 0


@pytest.mark.parametrize(
    "query",
    [
        {"status": "lost", "priority": "P9", "intent": "<script>", "channel": "fax"},
        {"assignee": "Robert'); DROP TABLE tickets;--", "q": "x" * 5000},
        {"from": "yesterday", "to": "2026-13-45", "page": "-3", "per_page": "1e9"},
        {"from": "9999-12-31", "to": "0001-01-01", "page": "99999999999999999999"},
        {"page": ["", "2"], "status": [], "per_page": "0"},
        {"q": ["%_\\"], "assignee": ["ME"]},
    ],
)
def test_bad_query_strings_are_ignored_or_clamped(queue, add, query):
    add("A")
    queue_filter = QueueFilter.from_query(query, AREAS)
    page = queue.page(queue_filter.for_user("wang"))
    assert page.page >= 1 and 1 <= page.per_page <= 100
    assert queue_filter.status == "open" and queue_filter.priority is None and queue_filter.channel is None


def test_parsed_values(queue):
    parsed = QueueFilter.from_query({"status": "resolved", "priority": "P2", "intent": "sms_code_delay",
                                     "channel": "wechat", "assignee": "wang", "from": "2026-12-05",
                                     "to": "2026-12-01", "q": "T2026", "page": "2", "per_page": "500"}, AREAS)
    assert parsed == QueueFilter(status="resolved", priority="P2", intent="sms_code_delay", channel="wechat",
                                 assignee="wang", created_from=date(2026, 12, 1), created_to=date(2026, 12, 5),
                                 search="T2026", page=2, per_page=100)


def test_query_args_keep_the_filters_for_links():
    parsed = QueueFilter.from_query({"priority": "P1", "assignee": "me", "q": "1234", "page": "4"}, AREAS)
    assert parsed.query_args(page=5) == {"priority": "P1", "assignee": "me", "q": "1234", "page": "5"}
    assert QueueFilter().query_args() == {}


def test_stored_times_are_compared_as_instants(queue, add):
    """A due time stored from UTC and one from Shanghai sort by the instant, not the digits."""
    add("T-late", due=2)
    add("T-early", due=1)
    rows = queue.page(QueueFilter()).rows
    assert [t.number for t in rows] == ["T-early", "T-late"]
    assert rows[0].sla_due_at == at(1).astimezone(timezone.utc)
