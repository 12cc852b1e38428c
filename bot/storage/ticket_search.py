"""Full-text search over tickets, every status: what staff type into the queue's
search box finds a ticket by its number (or its start), the last 4 digits of the
customer's phone, the customer's words, the agents' replies or the ticket's details.

Only masked text is stored, so only masked text is searched: a full phone number
or card number finds nothing. A plain ``LIKE`` (SQLite and PostgreSQL alike, no
index): enough at our scale, one query function to replace if it ever is not.
"""
from __future__ import annotations

import json
import re
from typing import List, Optional

from sqlalchemy import Text, and_, cast, exists, false, or_
from sqlalchemy.sql.elements import ColumnElement

from bot.storage.models import Ticket, TranscriptMessage

MAX_SEARCH = 40
PHONE_LAST4 = re.compile(r"\d{4}")
TICKET_NUMBER = re.compile(r"T?[0-9][0-9-]*")
# A search needs at least one letter, digit or Chinese character: "%" or "--" finds nothing.
SEARCHABLE = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")
ESCAPE = "!"
# Whose words are searched: the customer's and the agents' (the bot's are the same for everyone).
SEARCHED_ROLES = ("user", "staff")


def search_kind(text: str) -> Optional[str]:
    """"phone" (exactly 4 digits: a phone's tail, or a word), "number" (a ticket number
    or its start, or a word), "text", "invalid" (nothing to search for), or None (empty)."""
    text = text.strip()
    if not text:
        return None
    if PHONE_LAST4.fullmatch(text):
        return "phone"
    if TICKET_NUMBER.fullmatch(text.upper()):
        return "number"
    return "text" if SEARCHABLE.search(text) else "invalid"


def _contains(text: str) -> str:
    """A LIKE pattern for ``text`` anywhere, its wildcards taken literally."""
    escaped = text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{escaped}%"


def _in_details(text: str) -> ColumnElement:
    """The details (a JSON column): stored either with ``\\uXXXX`` escapes (Python's
    json.dumps) or as written, so both spellings are looked for."""
    stored = cast(Ticket.diagnostics, Text)
    spellings = {text, json.dumps(text)[1:-1]}
    return or_(*(stored.like(_contains(s), escape=ESCAPE) for s in spellings))


def matching(text: str) -> ColumnElement:
    """The WHERE clause of the tickets ``text`` finds (see the module's docstring):
    each of its words, separated by spaces, is found in one of the searched places."""
    words = [word for word in text.strip()[:MAX_SEARCH].split() if search_kind(word) != "invalid"]
    return and_(*(_matching_word(word) for word in words)) if words else false()


def _matching_word(text: str) -> ColumnElement:
    kind = search_kind(text)
    found: List[ColumnElement] = []
    if kind == "number":
        upper = text.upper()
        # Only T, digits and dashes get here: nothing for LIKE to treat as a wildcard.
        found.append(Ticket.number.like(f"{upper if upper.startswith('T') else 'T' + upper}%"))
    if kind == "phone":
        found.append(Ticket.phone_last4 == text)
    words = exists().where(TranscriptMessage.ticket_id == Ticket.id,
                           TranscriptMessage.role.in_(SEARCHED_ROLES),
                           TranscriptMessage.text.like(_contains(text), escape=ESCAPE))
    found += [words, _in_details(text)]
    return or_(*found)
