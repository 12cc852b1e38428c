"""Signed tokens for the web chat: who is talking, without trusting the browser.

The server decides the sender id and hands the page a token ``<sender>.<mac>``
(HMAC-SHA256 with the server secret). Every request carries the token; a token
that does not verify is refused, so nobody can read another sender's history
by guessing an id.

The app backend may vouch for a logged-in user: it signs ``uid`` and an expiry
``exp`` (unix seconds) with the same secret and puts ``uid``, ``exp`` and
``sig`` in the page URL. Only then is the sender id derived from the user id;
otherwise the customer gets a random anonymous id.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from bot.local_secrets import MIN_SECRET_BYTES, secret_or_generated

SECRET_ENV = "WEBCHAT_SECRET"
USER_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
ANONYMOUS_PREFIX = "wc-anon-"
USER_PREFIX = "wc-user-"


class InvalidToken(ValueError):
    """A token or signature that does not verify."""


def load_secret(value: Optional[str], secret_file: Path) -> bytes:
    """``WEBCHAT_SECRET``, else a generated one kept in ``secret_file`` (see `bot.local_secrets`)."""
    return secret_or_generated(value, secret_file, SECRET_ENV)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Identity:
    sender_id: str
    user_id: Optional[str]  # set only when the app backend signed it


class TokenSigner:
    def __init__(self, secret: bytes, clock: Callable[[], float] = time.time) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            raise ValueError("web chat secret is too short")
        self._secret = secret
        self._clock = clock

    def _mac(self, purpose: str, message: str) -> bytes:
        # The purpose separates domains: a session token's MAC is never a valid uid signature.
        return hmac.new(self._secret, f"{purpose}\n{message}".encode(),
                        hashlib.sha256).digest()

    # Session tokens -------------------------------------------------------
    def issue(self, sender_id: str) -> str:
        return f"{_b64(sender_id.encode('utf-8'))}.{_b64(self._mac('session', sender_id))}"

    def verify(self, token: object) -> str:
        """The sender id inside ``token``; ``InvalidToken`` when it does not verify
        (anything from a JSON body: a number or an object is no token either)."""
        if not isinstance(token, str) or token.count(".") != 1 or len(token) > 512:
            raise InvalidToken("missing or malformed token")
        encoded_sender, encoded_mac = token.split(".")
        try:
            sender_id = _unb64(encoded_sender).decode("utf-8")
            mac = _unb64(encoded_mac)
        except (ValueError, UnicodeDecodeError) as error:
            raise InvalidToken("malformed token") from error
        if not hmac.compare_digest(mac, self._mac("session", sender_id)):
            raise InvalidToken("bad token signature")
        return sender_id

    # User ids signed by the app backend ----------------------------------
    def sign_user(self, user_id: str, expires_at: int) -> str:
        """What the app backend computes: hex HMAC-SHA256 of ``uid:<uid>:<exp>``."""
        return hmac.new(self._secret, f"uid:{user_id}:{expires_at}".encode(),
                        hashlib.sha256).hexdigest()

    def verify_user(self, user_id: str, expires_at: str, signature: str) -> str:
        if not USER_ID_PATTERN.match(user_id or ""):
            raise InvalidToken("bad user id")
        try:
            expiry = int(expires_at)
        except (TypeError, ValueError) as error:
            raise InvalidToken("bad expiry") from error
        if expiry < self._clock():
            raise InvalidToken("expired user signature")
        expected = self.sign_user(user_id, expiry)
        if not hmac.compare_digest(expected.encode("ascii"),
                                   (signature or "").lower().encode("utf-8")):
            raise InvalidToken("bad user signature")
        return user_id


def user_sender_id(user_id: str) -> str:
    return f"{USER_PREFIX}{user_id}"


def anonymous_sender_id() -> str:
    return f"{ANONYMOUS_PREFIX}{secrets.token_hex(16)}"


def user_id_of(sender_id: str) -> Optional[str]:
    return sender_id[len(USER_PREFIX):] if sender_id.startswith(USER_PREFIX) else None
