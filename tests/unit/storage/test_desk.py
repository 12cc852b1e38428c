from datetime import timedelta

import pytest

from bot.storage.desk import TicketClosed, TicketDesk, TicketNotFound, TicketOwnedByOther
from bot.storage.engine import make_engine
from bot.storage.tickets import NewMessage, TicketStore
from tests.support.tickets import NOW, new_ticket


@pytest.fixture
def engine(migrated_db_url):
    return make_engine(migrated_db_url)


@pytest.fixture
def desk(engine):
    return TicketDesk(engine, clock=lambda: NOW + timedelta(minutes=5))


@pytest.fixture
def number(engine):
    return TicketStore(engine, clock=lambda: NOW).create(new_ticket(synced_until=100.0)).ticket.number


def test_assigning_and_resolving_leave_an_audit_trail(desk, number):
    desk.assign(number, "xiaowang", actor="xiaowang")
    desk.assign(number, "laoli", actor="xiaowang")
    desk.close(number, "resolved", actor="laoli", note="已退款")
    view = desk.view(number)
    assert (view.ticket.status, view.ticket.assigned_agent) == ("resolved", "laoli")
    assert view.ticket.resolution_note == "已退款" and view.ticket.closed_at is not None
    assert [(a.actor, a.action, a.detail) for a in view.audit] == [
        ("xiaowang", "assigned", "xiaowang"), ("xiaowang", "assigned", "xiaowang → laoli"),
        ("laoli", "resolved", "已退款")]


def test_a_closed_ticket_cannot_be_assigned_or_closed_again(desk, number):
    desk.close(number, "cancelled", actor="customer")
    with pytest.raises(TicketClosed):
        desk.assign(number, "xiaowang", actor="xiaowang")
    with pytest.raises(TicketClosed):
        desk.close(number, "resolved", actor="xiaowang")
    with pytest.raises(ValueError):
        desk.close(number, "waiting", actor="xiaowang")


def test_unknown_ticket(desk):
    with pytest.raises(TicketNotFound):
        desk.view("T20990101-0001")


def test_staff_messages_count_the_first_response_only_when_delivered(desk, number):
    desk.add_staff_message(number, "xiaowang", "在的，马上帮您查", delivery="kept", delivery_note="超过48小时")
    assert desk.view(number).ticket.first_response_at is None
    desk.add_staff_message(number, "xiaowang", "已经帮您查到了", delivery="delivered")
    view = desk.view(number)
    assert view.ticket.first_response_at is not None
    staff = [(m.position, m.author, m.delivery) for m in view.messages if m.role == "staff"]
    assert staff == [(2, "xiaowang", "kept"), (3, "xiaowang", "delivered")]
    assert [a.action for a in view.audit] == ["reply_kept", "replied"]


def test_synced_messages_are_added_once(desk, number):
    later = [NewMessage("user", "人呢", "complain", 0.6)]
    assert desk.append_synced(number, later, synced_until=120.0) == 1
    assert desk.append_synced(number, later, synced_until=120.0) == 0  # another worker, same events
    assert [m.text for m in desk.messages_after(number, 1)] == ["人呢"]
    assert desk.view(number).ticket.synced_until == 120.0


def test_notes_are_kept_apart_from_the_transcript(desk, number):
    desk.add_note(number, "xiaowang", "客户情绪激动，优先处理")
    view = desk.view(number)
    assert [n.text for n in view.notes] == ["客户情绪激动，优先处理"]
    assert all(m.text != "客户情绪激动，优先处理" for m in view.messages)


def test_open_ticket_of_a_sender(desk, number):
    assert desk.open_for_sender("u1").number == number
    desk.close(number, "handed_back", actor="xiaowang")
    assert desk.open_for_sender("u1") is None


def test_taking_a_ticket_from_someone_else_is_audited_as_a_take_over(desk, number):
    desk.assign(number, "xiaowang", actor="xiaowang")
    desk.assign(number, "laoli", actor="laoli")
    assert [(a.actor, a.action, a.detail) for a in desk.view(number).audit] == [
        ("xiaowang", "assigned", "xiaowang"), ("laoli", "taken_over", "xiaowang → laoli")]


def test_an_expected_owner_lets_only_one_of_two_repliers_take_a_waiting_ticket(desk, number):
    desk.assign(number, "xiaowang", actor="xiaowang", expected_owner=None)
    with pytest.raises(TicketOwnedByOther) as refused:
        desk.assign(number, "laoli", actor="laoli", expected_owner=None)
    assert refused.value.owner == "xiaowang"
    assert desk.ticket(number).assigned_agent == "xiaowang"
    desk.assign(number, "laoli", actor="laoli", expected_owner="xiaowang")  # the take-over they agreed to
    assert desk.ticket(number).assigned_agent == "laoli"
    assert [a.action for a in desk.view(number).audit] == ["assigned", "taken_over"]
