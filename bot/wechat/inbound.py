"""What to do with each kind of WeChat message: a registry, one handler per type.

A handler turns a message into a decision: send text to Rasa (``ToBot``), answer
with a fixed reply (``Fixed``, a name in replies.yml) or stay silent
(``Silent``). Types without a handler get the polite "unsupported" reply.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Mapping, Union

from wechatpy.messages import BaseMessage


@dataclass(frozen=True)
class ToBot:
    text: str


@dataclass(frozen=True)
class Fixed:
    reply: str


@dataclass(frozen=True)
class Silent:
    reason: str


Decision = Union[ToBot, Fixed, Silent]
Handler = Callable[[BaseMessage, Mapping[str, str]], Decision]
_HANDLERS: Dict[str, Handler] = {}


def handles(*kinds: str) -> Callable[[Handler], Handler]:
    """Register a handler for message types (``text``) or events (``event:click``)."""
    def register(handler: Handler) -> Handler:
        for kind in kinds:
            _HANDLERS[kind] = handler
        return handler
    return register


def kind_of(message: BaseMessage) -> str:
    if message.type == "event":
        return f"event:{message.event}"
    raw_type = str(message._data.get("MsgType") or "").lower()  # wechatpy keeps the raw fields
    if raw_type == "event":
        return f"event:{str(message._data.get('Event') or '').lower()}"
    return message.type


def text_of(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def route(message: BaseMessage, menu: Mapping[str, str]) -> Decision:
    kind = kind_of(message)
    if kind in _HANDLERS:
        return _HANDLERS[kind](message, menu)
    if kind.startswith("event:"):
        return Silent(kind)
    return Fixed("unsupported")


@handles("text")
def _text(message: BaseMessage, menu: Mapping[str, str]) -> Decision:
    text = text_of(message.content)
    return ToBot(text) if text else Fixed("empty_text")


@handles("voice")
def _voice(message: BaseMessage, menu: Mapping[str, str]) -> Decision:
    text = text_of(message.recognition)
    return ToBot(text) if text else Fixed("please_type")


@handles("image", "location", "link", "video", "shortvideo", "miniprogrampage")
def _media(message: BaseMessage, menu: Mapping[str, str]) -> Decision:
    return Fixed(f"unsupported_{message.type}")


@handles("event:subscribe", "event:subscribe_scan")
def _subscribe(message: BaseMessage, menu: Mapping[str, str]) -> Decision:
    return ToBot("/greet")


@handles("event:unsubscribe")
def _unsubscribe(message: BaseMessage, menu: Mapping[str, str]) -> Decision:
    return Silent("unsubscribe")


@handles("event:click")
def _click(message: BaseMessage, menu: Mapping[str, str]) -> Decision:
    payload = menu.get(text_of(message.key))
    return ToBot(payload) if payload else Fixed("unknown_menu")
