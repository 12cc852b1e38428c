"""Web chat: the in-app help window (page, JSON API, signed tokens, outbox, SSE pushes).

``WebChatInput`` is imported on first use, so the staff console can call
``push_to_customer`` without loading Rasa.
"""
from typing import Any

__all__ = ["WebChatInput", "push_to_customer"]


def __getattr__(name: str) -> Any:
    if name == "WebChatInput":
        from bot.channels.webchat.channel import WebChatInput

        return WebChatInput
    if name == "push_to_customer":
        from bot.channels.webchat.outbox import push_to_customer

        return push_to_customer
    raise AttributeError(name)
