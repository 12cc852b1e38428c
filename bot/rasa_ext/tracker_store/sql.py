"""Rasa's SQL tracker store without re-reading the whole conversation every turn.

Rasa's `SQLTrackerStore` reads and parses every event of the session on each
message, and before each of the two saves per turn counts the stored events to
find the new ones. Profiling put 29 % of a turn there. This store keeps:

- a copy of each conversation's latest session (`bot.rasa_ext.tracker_store.cache`), checked
  against the database with one indexed query before use;
- on every tracker it hands out or saves, how many of its events are already
  stored, so a save inserts the rest without counting;
- for SQLite files, a connection pool and the project's SQLite pragmas
  (`bot.storage.sqlite`: WAL, synchronous=NORMAL) instead of a new connection
  per query and a full-sync commit.

Rows, their order and what `retrieve` returns are Rasa's, so the table stays
readable by Rasa's own store and tools (`rasa export`, Rasa X), with one
difference: every secret (phone, ID and card numbers, SMS codes, passwords) is
masked in every event before it is written (`bot.security.stored_events`);
the turn that received one still had it in memory.
"""
from __future__ import annotations

import itertools
import json
from typing import Any, Dict, List, Optional, Text, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.pii import Redactor, default_redactor
from bot.pii.code_watch import CODE_PROBLEM, CODE_PROBLEM_SLOT
from bot.rasa_ext.tracker_store.cache import CachedConversation, ConversationCache, StoredEvent
from bot.security.stored_events import masked_events
from bot.storage.migrate import hold_schema_lock
from bot.storage.sqlite import apply_pragmas, is_sqlite_file

# Set on trackers handed out or saved by this store: how many of
# `tracker.events` (from the front) are rows in the database.
STORED_EVENTS_ATTRIBUTE = "_bot_stored_events"

DEFAULT_CACHE_SIZE = 2000

# Built once: SQLAlchemy's ORM query building cost more than the queries.
_EVENTS = SQLTrackerStore.SQLEvent.__table__
_FINGERPRINT = sa.select(sa.func.count(_EVENTS.c.id), sa.func.max(_EVENTS.c.id)).where(
    _EVENTS.c.sender_id == sa.bindparam("sender_id"))
_INSERT = _EVENTS.insert()


class CachedSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` with a checked in-process cache; configure in endpoints.yml.

    Takes Rasa's SQL store options plus ``cache_size`` (conversations kept in
    memory, least recently used dropped first; 0 turns the cache off).
    """

    engine: sa.engine.Engine

    def __init__(self, domain: Optional[Domain] = None,
                 cache_size: int = DEFAULT_CACHE_SIZE, **kwargs: Any) -> None:
        _create_events_table_once(kwargs.get("host"))
        super().__init__(domain, **kwargs)
        self._redactor = default_redactor()  # built at start, not in the first customer's turn
        if is_sqlite_file(self.engine.url):
            self._pool_sqlite_connections()
        self._cache = ConversationCache(int(cache_size))

    def _pool_sqlite_connections(self) -> None:
        """SQLAlchemy 1.4 opens a new connection per session for SQLite files."""
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url, poolclass=QueuePool, pool_size=4, max_overflow=4,
            connect_args={"check_same_thread": False},
        )
        sa.event.listen(self.engine, "connect", apply_pragmas)
        self.sessionmaker = sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The latest session, from memory when the database has nothing newer."""
        with self.session_scope() as session:
            rows, last_id = self._fingerprint(session, sender_id)
            cached = self._cache.get(sender_id)
            if cached is None or not cached.matches(rows, last_id):
                cached = CachedConversation(rows, last_id, self._read_session(session, sender_id))
                self._cache.put(sender_id, cached)
        if not cached.events:
            return None
        tracker = DialogueStateTracker.from_dict(
            sender_id, [json.loads(event.data) for event in cached.events], self.domain.slots
        )
        _mark_stored(tracker)
        return tracker

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        tracker = await super().retrieve_full_tracker(conversation_id)
        if tracker is not None:
            _mark_stored(tracker)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Insert the events not yet stored, then extend the cached session."""
        await self.stream_events(tracker)
        sender_id = tracker.sender_id
        try:
            with self.session_scope() as session:
                unsaved = self._unsaved_events(session, tracker)
                new = _serialised(unsaved, self._redactor, _code_expected_before(tracker, len(unsaved)))
                if not new:
                    _mark_stored(tracker)
                    return
                session.execute(_INSERT, [{"sender_id": sender_id, **columns} for _, columns in new])
                rows, last_id = self._fingerprint(session, sender_id)
                session.commit()
        except Exception:
            self._cache.drop(sender_id)
            raise
        _mark_stored(tracker)
        cached = self._cache.get(sender_id)
        if cached is not None and cached.rows + len(new) == rows:
            self._cache.put(sender_id, cached.extended((stored for stored, _ in new), rows, last_id))
        else:
            # Someone else wrote to this conversation meanwhile: read it again next time.
            self._cache.drop(sender_id)

    def _unsaved_events(self, session: Session, tracker: DialogueStateTracker) -> List[Event]:
        stored = getattr(tracker, STORED_EVENTS_ATTRIBUTE, None)
        if stored is None or stored > len(tracker.events) or tracker.events.maxlen is not None:
            # A tracker this store did not hand out: Rasa's own way of finding new events.
            return list(self._additional_events(session, tracker))
        return list(itertools.islice(tracker.events, stored, None))

    def _fingerprint(self, session: Session, sender_id: Text) -> Tuple[int, Optional[int]]:
        rows, last_id = session.execute(_FINGERPRINT, {"sender_id": sender_id}).one()
        return int(rows), last_id

    def _read_session(self, session: Session, sender_id: Text) -> List[StoredEvent]:
        query = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
        event = self.SQLEvent
        return [StoredEvent(type_name, timestamp, data) for type_name, timestamp, data
                in query.with_entities(event.type_name, event.timestamp, event.data)]


def _code_expected_before(tracker: DialogueStateTracker, unsaved: int) -> bool:
    """Whether the code problem was in hand before the unsaved events (bot.pii.code_watch:
    a code they send back alone is masked too)."""
    stored = list(itertools.islice(tracker.events, 0, len(tracker.events) - unsaved))
    for event in reversed(stored):
        if isinstance(event, SlotSet) and event.key == CODE_PROBLEM_SLOT:
            return event.value == CODE_PROBLEM
    return False


def _serialised(events: List[Event], redactor: Redactor,
                code_expected: bool = False) -> List[Tuple[StoredEvent, Dict[str, Any]]]:
    """Each event for the cache and the columns of its row, filled as Rasa fills them,
    with every secret masked."""
    rows = []
    for event, data in zip(events, masked_events([e.as_dict() for e in events], redactor, code_expected)):
        stored = StoredEvent(event.type_name, data.get("timestamp"), json.dumps(data))
        rows.append((stored, {
            "type_name": stored.type_name,
            "timestamp": stored.timestamp,
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": stored.data,
        }))
    return rows


def _create_events_table_once(url: Optional[str]) -> None:
    """Create Rasa's table on PostgreSQL under the migrations' lock, before Rasa tries.

    Rasa's store runs ``create_all`` in every process. Several workers starting at
    once on a fresh PostgreSQL database race there, and the losers log
    ``Could not create tables: DuplicateTable`` as an ERROR. Taking the lock first
    lets exactly one create it; Rasa's own ``create_all`` then finds it. ``url`` is
    the store's ``url`` (Rasa passes it as ``host``); other dialects are left to Rasa.
    """
    if not url or "://" not in url or make_url(url).get_backend_name() != "postgresql":
        return
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            hold_schema_lock(connection)
            SQLTrackerStore.Base.metadata.create_all(connection)
    except sa.exc.OperationalError:
        pass  # not reachable yet: Rasa's own start-up waits for the database and says so
    finally:
        engine.dispose()


def _mark_stored(tracker: DialogueStateTracker) -> None:
    setattr(tracker, STORED_EVENTS_ATTRIBUTE, len(tracker.events))
