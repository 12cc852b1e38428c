"""Where WeChat requests are authenticated and messages decrypted/encrypted.

Signatures are computed with wechatpy's signer and compared in constant time;
AES (the EncodingAESKey of compatible and safe mode) is wechatpy's WeChatCrypto.
"""
from __future__ import annotations

import hmac
from typing import Optional

from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import WeChatSigner

from bot.wechat.parse import MalformedMessage, parse_xml


class ForgedSignature(Exception):
    """The request was not signed with our token (or not for our app id)."""


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def signature_ok(token: str, signature: Optional[str], timestamp: Optional[str],
                 nonce: Optional[str]) -> bool:
    """The ``signature`` query parameter every WeChat request carries."""
    if not (token and signature and timestamp and nonce):
        return False
    return same(sign(token, timestamp, nonce), signature)


def same(expected: str, given: str) -> bool:
    """Constant-time comparison of hex signatures (any input, never an exception)."""
    return hmac.compare_digest(expected.encode("ascii"), given.strip().lower().encode("utf-8"))


class Envelope:
    """The encrypted XML of compatible and safe mode."""

    def __init__(self, token: str, aes_key: str, app_id: str) -> None:
        self._token = token
        self._crypto = WeChatCrypto(token, aes_key, app_id)

    def open(self, body: str, msg_signature: Optional[str], timestamp: str, nonce: str) -> str:
        """The inner message XML; ``ForgedSignature`` or ``MalformedMessage``."""
        outer = parse_xml(body)
        encrypted = outer.get("Encrypt")
        if not isinstance(encrypted, str) or not encrypted:
            raise MalformedMessage("no Encrypt element")
        if not msg_signature or not same(sign(self._token, timestamp, nonce, encrypted), msg_signature):
            raise ForgedSignature("msg_signature")
        try:
            return self._crypto.decrypt_message(outer, msg_signature.strip().lower(), timestamp, nonce)
        except (InvalidAppIdException, InvalidSignatureException):
            raise ForgedSignature("encrypted for another app id") from None
        except Exception as error:  # noqa: BLE001 - bad base64, padding, length: not a platform message
            raise MalformedMessage(f"cannot decrypt: {type(error).__name__}") from None

    def seal(self, reply_xml: str, nonce: str, timestamp: str) -> str:
        return self._crypto.encrypt_message(reply_xml, nonce, timestamp)

