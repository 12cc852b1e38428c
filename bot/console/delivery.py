"""Getting a message from the console to a customer, on the channel they came from.

- web chat: the window's outbox (its event stream shows the row at once, or
  when the window opens again);
- WeChat: the official account's customer-service message API, which the
  platform accepts only within 48 hours of the follower's last message.
  Outside that window, or when the account has no such API, the message is
  kept on the ticket and the console says it could not be delivered;
- the REST channel answers requests only: messages are kept.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Sequence

from bot.console.wording import DeliveryNotes
from bot.storage.outbox import Outbox
from bot.wechat.api import WeChatApi, WeChatApiError
from bot.wechat.render import collect, numbered

logger = logging.getLogger(__name__)

WECHAT_WINDOW = timedelta(hours=48)
# The platform's "outside the 48-hour window" / "too many messages" answers.
WECHAT_OUT_OF_WINDOW = {45015, 45047}

DELIVERED, KEPT, FAILED = "delivered", "kept", "failed"


@dataclass(frozen=True)
class DeliveryResult:
    status: str  # delivered | kept | failed
    note: str = ""  # for staff, in Chinese: why it was not delivered

    @property
    def delivered(self) -> bool:
        return self.status == DELIVERED


class Delivery:
    """``role``: staff for an agent's reply, bot for what the bot says on closing;
    ``notes``: why a message was kept or failed, as staff read it."""

    def __init__(self, outbox: Outbox, wechat: Optional[WeChatApi], notes: DeliveryNotes,
                 choose_prompt: str = "", clock: Any = None) -> None:
        self._outbox = outbox
        self._notes = notes
        self._wechat = wechat
        self._choose = choose_prompt
        self._clock = clock or (lambda: datetime.now(timezone.utc))

    async def send(self, channel: str, sender_id: str, messages: Sequence[Dict[str, Any]],
                   role: str = "staff", last_customer_message: Optional[datetime] = None) -> DeliveryResult:
        if not messages:
            return DeliveryResult(DELIVERED)
        if channel == "webchat":
            for message in messages:
                extra = {key: message[key] for key in ("buttons", "image", "custom") if message.get(key)}
                await asyncio.to_thread(self._outbox.append, sender_id, role, str(message.get("text") or ""),
                                        extra)
            return DeliveryResult(DELIVERED)
        if channel == "wechat":
            return await self._wechat_send(sender_id, messages, last_customer_message)
        return DeliveryResult(KEPT, self._notes.rest_kept)

    async def _wechat_send(self, openid: str, messages: Sequence[Dict[str, Any]],
                           last_customer_message: Optional[datetime]) -> DeliveryResult:
        if self._wechat is None:
            return DeliveryResult(KEPT, self._notes.wechat_no_api)
        if last_customer_message is not None and self._clock() - last_customer_message > WECHAT_WINDOW:
            return DeliveryResult(KEPT, self._notes.wechat_window)
        text = numbered(collect(list(messages)), self._choose)
        try:
            await self._wechat.send_text(openid, text)
        except WeChatApiError as error:
            if error.errcode in WECHAT_OUT_OF_WINDOW:
                return DeliveryResult(KEPT, self._notes.wechat_out_of_window)
            return DeliveryResult(FAILED, self._notes.failed(error.errcode))
        return DeliveryResult(DELIVERED)


def text_messages(text: str) -> List[Dict[str, Any]]:
    return [{"text": text}]
