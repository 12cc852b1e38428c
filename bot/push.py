"""Messages to customers that do not answer a request of theirs (staff replies)."""
from __future__ import annotations

from typing import Any, Dict

from bot.storage.engine import make_engine
from bot.storage.outbox import Outbox
from bot.storage.outbox_wakeups import wakeups_for


def push_to_customer(database_url: str, sender_id: str, text: str, redis_url: str = "") -> Dict[str, Any]:
    """Show ``text`` as a staff message in ``sender_id``'s chat window, now or when it opens.

    Needs only the database, not the Rasa server: the window's event stream
    reads the outbox (and is woken through ``redis_url`` when given).
    """
    text = (text or "").strip()
    if not text:
        raise ValueError("empty message")
    engine = make_engine(database_url)
    try:
        return Outbox(engine, wakeups_for(redis_url)).append(sender_id, "staff", text)
    finally:
        engine.dispose()
