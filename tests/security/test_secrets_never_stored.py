"""Secrets sent through web chat, REST and WeChat (a password, an SMS code, a phone,
an ID number, a bank card and the same card mistyped) appear in no byte of any
database file (write-ahead logs included) and in no log line. What the dialogue
needs is kept masked: the phone's last four digits, the card's first and last four."""
from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Iterator, List

import pytest

from tests.support.rest import send as rest_send
from tests.support.secrets import MESSAGES, PHONE, found_in
from tests.support.webchat import new_session
from tests.support.webchat import send as webchat_send
from tests.support.wechat_platform import Platform, http, text_xml

pytestmark = pytest.mark.model

def database_bytes(database: Path) -> bytes:
    """Every byte of a SQLite database: the file, its write-ahead log and shared memory."""
    return b"".join(path.read_bytes() for path in database.parent.glob(database.name + "*"))


def all_text(database: Path) -> Iterator[str]:
    """Every text value in every table of a SQLite database."""
    with sqlite3.connect(database) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                yield from (str(value) for value in row if value is not None)


def logs(tmp_path_factory) -> List[Path]:
    base = tmp_path_factory.getbasetemp()
    return [*base.glob("rasa*/rasa.log"), *base.glob("actions*/actions.log"), *base.glob("wechat*/rasa.log")]


@pytest.fixture(scope="module")
def conversations(rasa_server, wechat_rasa):
    """The same three messages through each public channel."""
    senders = {}
    session = new_session(rasa_server)
    for text in MESSAGES:
        assert webchat_send(rasa_server, session["token"], text)[0] == 200
    senders["webchat"] = session["token"]
    rest_sender = f"rest-{uuid.uuid4().hex[:8]}"
    for text in MESSAGES:
        rest_send(rasa_server, rest_sender, text)
    # a customer with no problem raised yet who asks for a person: a ticket at once
    rest_send(rasa_server, f"rest-{uuid.uuid4().hex[:8]}", f"转人工 我的手机{PHONE}")
    platform, follower = Platform(), f"o-secret-{uuid.uuid4().hex[:8]}"
    for text in MESSAGES:
        query, body = platform.encrypt(text_xml(follower, text), platform.query())
        assert http("POST", f"{wechat_rasa}/webhooks/wechat/webhook", query, body)[0] == 200
    return senders


def test_no_byte_of_any_database_holds_a_secret(conversations, rasa_tracker_db, tickets_db, tmp_path_factory):
    databases = [rasa_tracker_db, tickets_db, *tmp_path_factory.getbasetemp().glob("wechat-safe[0-9]*/tracker.db")]
    assert len(databases) == 3
    for database in databases:
        assert found_in(database_bytes(database)) == [], database
    tracker = "\n".join(all_text(rasa_tracker_db))
    assert "******" in tracker and "139****5678" in tracker  # what the dialogue needs, masked
    assert "6222***********0127" in tracker and "1101**********002X" in tracker


def test_no_log_line_holds_a_secret_or_a_full_phone_number(conversations, tmp_path_factory):
    files = logs(tmp_path_factory)
    assert files
    for log in files:
        text = log.read_text(encoding="utf-8", errors="replace")
        assert found_in(text.encode()) == [], log


def test_the_ticket_transcript_masks_the_phone_too(conversations, tickets_db):
    with sqlite3.connect(tickets_db) as connection:
        transcript = "\n".join(text for (text,) in connection.execute("SELECT text FROM transcript_messages"))
    assert "139****5678" in transcript and found_in(transcript.encode()) == []
