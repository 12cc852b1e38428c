"""What the help window sends, read without a web server: each function takes the
request's parts (bytes, headers, a parsed body) and returns plain values or raises
`ApiError`, the answer the page gets. The channel (bot/rasa_ext/channels/webchat/)
only moves these values between Sanic and Rasa."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple

from bot.webchat.message_text import is_blank
from bot.webchat.tokens import (
    Identity,
    InvalidToken,
    TokenSigner,
    anonymous_sender_id,
    user_id_of,
    user_sender_id,
)

MAX_BODY_BYTES = 64 * 1024
METADATA_KEYS = ("app_version", "os", "device")
MAX_METADATA_CHARS = 100
MAX_TITLE_CHARS = 200
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # the page's id for a message it sends
MAX_EVENT_ID_CHARS = 20


class ApiError(Exception):
    """An answer to the page: status, a code the page can act on, and the key of its
    Chinese message in the ``webchat`` section of data/support/texts.yml."""

    def __init__(self, status: int, code: str, text: Optional[str] = None,
                 headers: Optional[Dict[str, str]] = None, **values: Any) -> None:
        super().__init__(code)
        self.status, self.code, self.text = status, code, text or code
        self.headers, self.values = headers, values


@dataclass(frozen=True)
class CustomerMessage:
    """A message as typed (for the bot) and as the window shows it (a button's title)."""

    text: str
    shown: str


def bearer_token(headers: Mapping[str, str], query_token: Optional[str]) -> Optional[str]:
    """The window's token: ``Authorization: Bearer …``, or ``?token=`` for EventSource,
    which cannot set headers."""
    header = headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return query_token


def sender_of(signer: TokenSigner, token: Optional[str]) -> str:
    """The conversation a token opens; a missing or forged token is a 403."""
    try:
        return signer.verify(token)
    except InvalidToken:
        raise ApiError(403, "forbidden") from None


def json_body(raw: Optional[bytes]) -> Dict[str, Any]:
    """A JSON object of at most `MAX_BODY_BYTES`."""
    if len(raw or b"") > MAX_BODY_BYTES:
        raise ApiError(413, "too_large")
    try:
        body = json.loads(raw or b"")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "bad_json") from None
    if not isinstance(body, dict):
        raise ApiError(400, "bad_json", "bad_json_object")
    return body


def identity_of(signer: TokenSigner, body: Dict[str, Any]) -> Tuple[Identity, bool]:
    """Who this window talks as; the flag says a signed uid was refused."""
    uid, exp, sig = (body.get(key) for key in ("uid", "exp", "sig"))
    refused = False
    if uid:
        try:
            user_id = signer.verify_user(str(uid), str(exp), str(sig or ""))
            return Identity(user_sender_id(user_id), user_id), False
        except InvalidToken:
            refused = True
    try:
        sender_id = signer.verify(body.get("token"))
        # A refused uid must not keep another user's conversation open.
        if not refused or user_id_of(sender_id) in (None, str(uid)):
            return Identity(sender_id, user_id_of(sender_id)), refused
    except InvalidToken:
        pass
    return Identity(anonymous_sender_id(), None), refused


def metadata_of(body: Dict[str, Any], sender_id: str) -> Dict[str, Any]:
    """The message's metadata for Rasa: the channel, the signed user, and the app's
    version, OS and device as the page reports them, each cut short."""
    sent = body["metadata"] if isinstance(body.get("metadata"), dict) else {}
    metadata: Dict[str, Any] = {"channel": "webchat", "user_id": user_id_of(sender_id)}
    for key in METADATA_KEYS:
        value = sent.get(key)
        metadata[key] = str(value)[:MAX_METADATA_CHARS] if value not in (None, "") else None
    return metadata


def customer_message(body: Dict[str, Any], max_chars: int) -> CustomerMessage:
    """The text to send to the bot and the text the window shows for it."""
    text = body.get("text")
    if not isinstance(text, str):
        raise ApiError(400, "missing_text")
    text = text.strip()
    if is_blank(text):  # an emoji alone is a message; zero-width characters alone are not
        raise ApiError(400, "empty_message")
    if len(text) > max_chars:
        raise ApiError(413, "message_too_long", limit=max_chars)
    title = body.get("title")
    shown = title.strip()[:MAX_TITLE_CHARS] if isinstance(title, str) and not is_blank(title) \
        else text
    return CustomerMessage(text, shown)


def client_id_of(body: Dict[str, Any]) -> Dict[str, str]:
    """The page's own id for the message (to match its echo), when well formed."""
    client_id = body.get("client_id")
    return ({"client_id": client_id}
            if isinstance(client_id, str) and CLIENT_ID.match(client_id) else {})


def resume_after(last_event_id: Optional[str]) -> Optional[int]:
    """The outbox row a reconnecting stream resumes after; None: from now on."""
    if not last_event_id or len(last_event_id) >= MAX_EVENT_ID_CHARS:
        return None
    try:
        return int(last_event_id)
    except ValueError:
        return None
