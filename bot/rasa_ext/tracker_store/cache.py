"""In-process copy of each conversation's latest session, as stored in SQL.

The copy is only trusted while the database agrees with it: every entry keeps
the number of rows and the highest row id it has seen for its conversation,
and the store compares them with one indexed query before using the copy. A
row written by another process (a second Rasa server, `rasa shell`, the REST
API of another worker) changes them, and the conversation is read again.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Iterable, List, Optional

from rasa.shared.core.events import SessionStarted


@dataclass(frozen=True)
class StoredEvent:
    """One row of Rasa's ``events`` table, as much of it as reading back needs."""

    type_name: str
    timestamp: Optional[float]
    data: str


@dataclass
class CachedConversation:
    """A conversation's latest session and the database state it was read at."""

    rows: int
    last_id: Optional[int]
    events: List[StoredEvent] = field(default_factory=list)

    def matches(self, rows: int, last_id: Optional[int]) -> bool:
        return (self.rows, self.last_id) == (rows, last_id)

    def extended(self, new: Iterable[StoredEvent], rows: int,
                 last_id: Optional[int]) -> "CachedConversation":
        """This session plus newly stored events, cut where SQL would cut it."""
        return CachedConversation(rows, last_id, latest_session([*self.events, *new]))


def latest_session(events: List[StoredEvent]) -> List[StoredEvent]:
    """The events Rasa's SQL store returns for the latest session.

    Same rule as `SQLTrackerStore._event_query`: events stamped at or after the
    newest ``session_started``; everything when there is none.
    """
    starts = [e.timestamp for e in events
              if e.type_name == SessionStarted.type_name and e.timestamp is not None]
    if not starts:
        return events
    start = max(starts)
    return [e for e in events if e.timestamp is not None and e.timestamp >= start]


class ConversationCache:
    """Least-recently-used map from sender id to `CachedConversation`."""

    def __init__(self, size: int) -> None:
        self._size = max(0, size)
        self._entries: "OrderedDict[str, CachedConversation]" = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, sender_id: str) -> Optional[CachedConversation]:
        entry = self._entries.get(sender_id)
        if entry is not None:
            self._entries.move_to_end(sender_id)
        return entry

    def put(self, sender_id: str, entry: CachedConversation) -> None:
        if not self._size:
            return
        self._entries[sender_id] = entry
        self._entries.move_to_end(sender_id)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def drop(self, sender_id: str) -> None:
        self._entries.pop(sender_id, None)

