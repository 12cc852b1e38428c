"""The cached session is cut where Rasa's SQL query cuts it; the cache stays bounded."""
import pytest

from bot.rasa_ext.tracker_store.cache import (
    CachedConversation,
    ConversationCache,
    StoredEvent,
    latest_session,
)


def event(type_name: str, timestamp):
    return StoredEvent(type_name, timestamp, "{}")


@pytest.mark.parametrize(
    "events, expected",
    [
        pytest.param([event("user", 1.0), event("action", 2.0)], [0, 1], id="no-session-start-keeps-all"),
        pytest.param([event("session_started", 1.0), event("user", 2.0)], [0, 1], id="one-session"),
        pytest.param([event("session_started", 1.0), event("user", 2.0),
                      event("session_started", 3.0), event("action", 3.0), event("user", 4.0)],
                     [2, 3, 4], id="newest-session-and-its-same-stamp-events"),
        pytest.param([event("session_started", 1.0), event("user", None),
                      event("user", 2.0)], [0, 2], id="unstamped-events-dropped-as-sql-drops-nulls"),
        pytest.param([event("session_started", 5.0), event("user", 4.0), event("user", 6.0)],
                     [0, 2], id="earlier-stamp-after-start-dropped"),
    ],
)
def test_latest_session_follows_rasas_sql_rule(events, expected):
    assert latest_session(events) == [events[i] for i in expected]


def test_extending_starts_a_new_session_when_one_was_stored():
    cached = CachedConversation(2, 2, [event("session_started", 1.0), event("user", 2.0)])
    extended = cached.extended([event("session_started", 3.0), event("action", 3.5)], 4, 4)
    assert [e.timestamp for e in extended.events] == [3.0, 3.5]
    assert extended.matches(4, 4) and not extended.matches(2, 2)


def test_least_recently_used_conversation_goes_first():
    cache = ConversationCache(2)
    for sender in ("a", "b"):
        cache.put(sender, CachedConversation(1, 1))
    cache.get("a")
    cache.put("c", CachedConversation(1, 3))
    assert cache.get("b") is None
    assert cache.get("a") is not None and cache.get("c") is not None
    assert len(cache) == 2


def test_size_zero_keeps_nothing():
    cache = ConversationCache(0)
    cache.put("a", CachedConversation(1, 1))
    assert cache.get("a") is None
