"""Who has a ticket open: a beat lasts VIEWING_SECONDS, typing TYPING_SECONDS."""
from datetime import timedelta

import pytest

from bot.storage.desk import TicketNotFound
from bot.storage.engine import make_engine
from bot.storage.presence import TYPING_SECONDS, VIEWING_SECONDS, Presence, PresenceStore
from bot.storage.tickets import TicketStore
from tests.support.tickets import NOW, new_ticket


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        return self.now

    def later(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def engine(migrated_db_url):
    return make_engine(migrated_db_url)


@pytest.fixture
def number(engine):
    return TicketStore(engine, clock=lambda: NOW).create(new_ticket("presence:1")).ticket.number


def test_viewing_and_typing_lapse_on_their_own(engine, clock, number):
    store = PresenceStore(engine, clock=clock)
    store.beat(number, "xiaowang")
    store.beat(number, "laoli", typing=True)
    assert store.present(number) == [Presence("xiaowang", False), Presence("laoli", True)]
    clock.later(TYPING_SECONDS + 1)
    assert store.present(number) == [Presence("xiaowang", False), Presence("laoli", False)]
    store.beat(number, "laoli")  # still there, no longer typing
    clock.later(VIEWING_SECONDS - TYPING_SECONDS)
    assert store.present(number) == [Presence("laoli", False)]
    clock.later(VIEWING_SECONDS)
    assert store.present(number) == []


def test_leaving_ends_presence_at_once(engine, clock, number):
    store = PresenceStore(engine, clock=clock)
    store.beat(number, "xiaowang", typing=True)
    store.leave(number, "xiaowang")
    assert store.present(number) == []
    with pytest.raises(TicketNotFound):
        store.beat("T20990101-0001", "xiaowang")
