"""The live inbox's numbers: unread customer messages against the owner's read mark,
and how long the customer has waited for a person."""
from datetime import timedelta

import pytest

from bot.storage.desk import TicketDesk, TicketNotFound
from bot.storage.engine import make_engine
from bot.storage.live_inbox import LiveInbox
from bot.storage.tickets import NewMessage, TicketStore
from tests.support.tickets import NOW, new_ticket


@pytest.fixture
def engine(migrated_db_url):
    return make_engine(migrated_db_url)


@pytest.fixture
def desk(engine):
    return TicketDesk(engine, clock=lambda: NOW + timedelta(minutes=10))


@pytest.fixture
def inbox(engine):
    return LiveInbox(engine, clock=lambda: NOW + timedelta(minutes=10))


@pytest.fixture
def number(engine):
    return TicketStore(engine, clock=lambda: NOW).create(new_ticket("live:1", sender_id="live-u1")).ticket.number


def customer_says(desk, number, *texts, minutes=1):
    desk.append_synced(number, [NewMessage("user", text, sent_at=NOW + timedelta(minutes=minutes))
                                for text in texts], synced_until=1000.0 + minutes)


def live(inbox, number):
    return next(t for t in inbox.open_tickets() if t.number == number)


def test_a_new_ticket_has_nothing_unread_and_its_customer_waits_from_the_handoff(inbox, number):
    ticket = live(inbox, number)
    assert (ticket.status, ticket.owner, ticket.unread) == ("waiting", None, 0)
    assert ticket.waiting_since == NOW


def test_unread_counts_the_customers_messages_after_the_handoff_until_the_owner_reads(desk, inbox, number):
    customer_says(desk, number, "还在吗", "快点")
    assert live(inbox, number).unread == 2
    desk.assign(number, "xiaowang", actor="xiaowang")
    newest = desk.view(number).messages[-1].position
    inbox.mark_read(number, "laoli", newest)  # someone else reading an owned ticket: still unread
    assert live(inbox, number).unread == 2
    inbox.mark_read(number, "xiaowang", newest)
    assert live(inbox, number).unread == 0
    customer_says(desk, number, "人呢", minutes=3)
    assert live(inbox, number).unread == 1
    inbox.mark_read(number, "xiaowang", newest - 1)  # an older tab: a mark never goes back
    assert live(inbox, number).unread == 1


def test_on_a_ticket_nobody_owns_anyone_reading_it_resets_the_count(desk, inbox, number):
    customer_says(desk, number, "还在吗")
    inbox.mark_read(number, "laoli", desk.view(number).messages[-1].position)
    assert live(inbox, number).unread == 0


def test_the_customer_waits_until_a_person_answers_and_again_from_their_next_message(desk, inbox, number):
    desk.add_staff_message(number, "xiaowang", "您好", "delivered")  # sent at NOW + 10 min
    assert live(inbox, number).waiting_since is None
    desk.append_synced(number, [NewMessage("user", "好的 还有个问题", sent_at=NOW + timedelta(minutes=12)),
                                NewMessage("user", "在吗", sent_at=NOW + timedelta(minutes=13))], 2000.0)
    assert live(inbox, number).waiting_since == NOW + timedelta(minutes=12)
    desk.add_staff_message(number, "xiaowang", "这条没送达", "kept")
    assert live(inbox, number).waiting_since == NOW + timedelta(minutes=12)


def test_closed_tickets_leave_the_inbox(desk, inbox, number):
    desk.close(number, "resolved", actor="xiaowang")
    assert all(t.number != number for t in inbox.open_tickets())
    with pytest.raises(TicketNotFound):
        inbox.mark_read("T20990101-0001", "xiaowang", 3)
