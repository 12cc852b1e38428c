"""One WeChat request from start to finish, without the web framework.

verify (GET) -> signature; receive (POST) -> signature -> decrypt -> parse ->
route -> exactly-once processing (InFlight) -> passive reply, ``success`` plus
a customer-service message, or a late answer kept for 继续.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional

import yaml
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from wechatpy.messages import BaseMessage
from wechatpy.replies import TextReply

from bot.pii.masks import short_id
from bot.security.ratelimit import RateLimiter
from bot.texts import Texts
from bot.wechat.api import WeChatApi, WeChatApiError
from bot.wechat.config import WeChatSettings
from bot.wechat.crypto import Envelope, ForgedSignature, signature_ok
from bot.wechat.inbound import Fixed, Silent, ToBot, kind_of, route
from bot.wechat.inflight import InFlight
from bot.wechat.memory import Choices, Pending
from bot.wechat.parse import MalformedMessage, parse
from bot.wechat.render import Answer, cdata_safe, collect, msgmenu, numbered, split_bytes

logger = logging.getLogger(__name__)

CHANNEL = "wechat"
CONTINUE_WORDS = {"继续", "继续。", "繼續"}
MAX_BODY_BYTES = 256 * 1024

OnMessage = Callable[[UserMessage], Awaitable[Any]]


@dataclass(frozen=True)
class HttpReply:
    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


SUCCESS = HttpReply(200, "success")


who = short_id  # an OpenID shortened for logs


def load_menu(path: Path) -> Dict[str, str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(key): str(payload) for key, payload in data.items()}


def dedup_key(message: BaseMessage) -> str:
    msg_id = str(message._data.get("MsgId") or "").strip()
    if msg_id:
        return f"{message.source}:msg:{msg_id}:{message.time}"
    return f"{message.source}:at:{message.time}:{kind_of(message)}"


class WeChatService:
    def __init__(self, settings: WeChatSettings, api: Optional[WeChatApi] = None,
                 clock: Callable[[], float] = time.monotonic,
                 per_follower: Optional[RateLimiter] = None,
                 inflight: Any = None, choices: Any = None, pending: Any = None) -> None:
        """``inflight``, ``choices``, ``pending``: shared state (`bot.wechat.shared`) when
        several workers serve the account; this process's own memory by default."""
        self.settings = settings
        # Messages per follower (OpenID) that reach Rasa; the platform's retries of one
        # message are not counted (they are duplicates, answered from the first try).
        self.per_follower = per_follower
        self.missing = settings.missing()
        self.api = api if settings.can_push else None
        self.envelope = (Envelope(settings.token, settings.aes_key, settings.app_id)
                         if settings.aes_key and settings.app_id and not self.missing else None)
        if settings.mode == "plaintext":
            self.envelope = None  # as configured on the platform: nothing arrives encrypted
        self.menu = load_menu(settings.menu_file)
        self.replies = Texts.load(settings.support_dir).replies("wechat")
        self.inflight = inflight if inflight is not None else InFlight[Answer](settings.dedup_seconds, clock=clock)
        self.choices = choices if choices is not None else Choices(clock=clock)
        self.pending = pending if pending is not None else Pending(clock=clock)

    @property
    def configured(self) -> bool:
        return not self.missing

    # --- HTTP --------------------------------------------------------------

    def verify(self, query: Mapping[str, str]) -> HttpReply:
        """Server verification: echo ``echostr`` when the signature checks out."""
        if not self.configured:
            return HttpReply(503, "wechat channel not configured")
        if not signature_ok(self.settings.token, query.get("signature"),
                            query.get("timestamp"), query.get("nonce")):
            return HttpReply(403, "forbidden")
        return HttpReply(200, query.get("echostr") or "")

    def signed(self, query: Mapping[str, str]) -> bool:
        """Whether the request carries WeChat's signature (checked again by ``receive``)."""
        return self.configured and signature_ok(self.settings.token, query.get("signature"),
                                                query.get("timestamp") or "", query.get("nonce") or "")

    async def receive(self, query: Mapping[str, str], body: bytes, on_message: OnMessage) -> HttpReply:
        if not self.configured:
            return HttpReply(503, "wechat channel not configured")
        timestamp, nonce = query.get("timestamp") or "", query.get("nonce") or ""
        if not signature_ok(self.settings.token, query.get("signature"), timestamp, nonce):
            return HttpReply(403, "forbidden")
        encrypted = (query.get("encrypt_type") or "").lower() == "aes"
        if encrypted and self.envelope is None:
            logger.warning("wechat: encrypted message but no EncodingAESKey configured")
            return HttpReply(403, "encrypted messages are not enabled")
        if not encrypted and self.settings.mode == "safe":
            return HttpReply(403, "safe mode accepts encrypted messages only")
        if len(body) > MAX_BODY_BYTES:
            return HttpReply(413, "too large")
        try:
            xml = body.decode("utf-8")
            if encrypted:
                assert self.envelope is not None
                xml = self.envelope.open(xml, query.get("msg_signature"), timestamp, nonce)
            message = parse(xml)
        except ForgedSignature:
            return HttpReply(403, "forbidden")
        except (MalformedMessage, UnicodeDecodeError) as error:
            logger.info("wechat: malformed request: %s", error)
            return HttpReply(400, "malformed message")
        reply = await self.answer(message, on_message)
        if not reply:
            return SUCCESS
        if encrypted:
            assert self.envelope is not None
            reply = self.envelope.seal(reply, nonce, timestamp)
        return HttpReply(200, reply, "application/xml; charset=utf-8")

    # --- one message -------------------------------------------------------

    async def answer(self, message: BaseMessage, on_message: OnMessage) -> str:
        """The passive reply XML for ``message``, or '' for ``success``."""
        decision = route(message, self.menu)
        sender = message.source
        if isinstance(decision, Silent):
            logger.info("wechat: %s from %s, no reply", decision.reason, who(sender))
            return ""
        continuing = isinstance(decision, ToBot) and decision.text in CONTINUE_WORDS
        if continuing:
            work = lambda: self._continue(sender)  # noqa: E731
        else:
            work = lambda: self._process(message, decision, on_message)  # noqa: E731
        entry, _ = await self.inflight.begin(dedup_key(message), sender, work,
                                             on_late=lambda answer: self._deliver_late(sender, answer),
                                             track=not continuing)
        outcome = await self.inflight.wait(entry, self.settings.reply_timeout)
        if outcome.kind == "duplicate":
            logger.info("wechat: duplicate of %s ignored", entry.key.split(":", 1)[1])
            return ""
        if outcome.kind == "late":
            if self.api is not None:
                return ""
            return self._text_reply(message, self.replies.render("still_working"))
        return await self._passive(message, outcome.value or Answer(self.replies.render("busy")),
                                   remember=not continuing)  # 继续 shows kept text; its buttons stay

    async def _process(self, message: BaseMessage, decision: Any, on_message: OnMessage) -> Answer:
        if isinstance(decision, Fixed):
            return Answer(self.replies.render(decision.reply))
        if self.per_follower is not None and await self.per_follower.take(message.source) is not None:
            # Not a 429: the platform would retry it. The follower is told instead.
            logger.info("wechat: %s is sending too fast, not passed to the bot", who(message.source))
            return Answer(self.replies.render("too_fast"))
        limit = self.settings.max_input_chars
        text = decision.text[:limit]
        if message.type == "text":
            text = await self.choices.resolve(message.source, text) or text
        collector = CollectingOutputChannel()
        try:
            await on_message(UserMessage(text, collector, message.source, input_channel=CHANNEL,
                                         metadata=self._metadata(message)))
        except Exception:
            logger.exception("wechat: Rasa failed on a message from %s", who(message.source))
            return Answer(self.replies.render("busy"))
        answer = collect(collector.messages)
        if len(decision.text) > limit:  # the follower is told what the bot read, never cut silently
            cut = self.replies.render("cut_long_text", limit=limit)
            return Answer(f"{cut}\n\n{answer.text}".strip(), answer.buttons)
        return answer

    async def _continue(self, sender: str) -> Answer:
        """继续: the kept answer, or wait a little longer for the one still being prepared."""
        kept = await self.pending.take_all(sender)
        if kept:
            return Answer("\n\n".join(kept))
        running = await self.inflight.unfinished(sender)
        if running is not None:
            outcome = await self.inflight.wait(running, self.settings.reply_timeout * 0.9)
            if outcome.kind == "answer" and outcome.value is not None:
                return outcome.value
            if outcome.kind == "late":
                return Answer(self.replies.render("still_working"))
        return Answer(self.replies.render("nothing_pending"))

    @staticmethod
    def _metadata(message: BaseMessage) -> Dict[str, Any]:
        return {"channel": CHANNEL, "wechat_msg_type": kind_of(message)}

    # --- delivery ------------------------------------------------------------

    def _text_reply(self, message: BaseMessage, text: str) -> str:
        return TextReply(message=message, content=cdata_safe(text)).render()

    async def _passive(self, message: BaseMessage, answer: Answer, remember: bool = True) -> str:
        sender = message.source
        if remember:
            await self.choices.remember(sender, answer.buttons)
        if self.api is not None and answer.buttons and self.settings.button_style == "menu":
            self.inflight.spawn(self._push(sender, answer))  # text and menu in order, via the API
            return ""
        earlier = await self.pending.take_all(sender)
        text = "\n\n".join(earlier + [numbered(answer, self.replies.render("choose"))]).strip()
        if not text:
            return ""
        limit = self.settings.text_limit_bytes
        if len(text.encode("utf-8")) <= limit:
            return self._text_reply(message, text)
        if self.api is not None:
            first, *rest = split_bytes(text, limit)
            self.inflight.spawn(self._push_texts(sender, rest))
            return self._text_reply(message, first)
        more = self.replies.render("more")
        first, *rest = split_bytes(text, limit - len(more.encode("utf-8")) - 1)
        await self.pending.add(sender, rest)
        return self._text_reply(message, f"{first}\n{more}")

    async def _deliver_late(self, sender: str, answer: Optional[Answer]) -> None:
        answer = answer or Answer(self.replies.render("busy"))
        await self.choices.remember(sender, answer.buttons)
        if self.api is not None:
            if await self._push(sender, answer):
                logger.info("wechat: late answer for %s sent as a customer-service message", who(sender))
        else:
            text = numbered(answer, self.replies.render("choose"))
            await self.pending.add(sender, [text] if text else [])
            logger.info("wechat: late answer for %s kept until the next message", who(sender))

    async def _push(self, sender: str, answer: Answer) -> bool:
        """Send ``answer`` through the customer-service API; False if some of it was kept."""
        menu_style = self.settings.button_style == "menu" and answer.buttons
        text = answer.text if menu_style else numbered(answer, self.replies.render("choose"))
        if not await self._push_texts(sender, split_bytes(text, self.settings.text_limit_bytes)):
            if menu_style:
                await self.pending.add(sender, [numbered(Answer("", answer.buttons), self.replies.render("choose"))])
            return False
        if menu_style:
            assert self.api is not None
            try:
                await self.api.send_menu(sender, msgmenu(answer.buttons, head=self.replies.render("choose")))
            except WeChatApiError:
                await self.pending.add(sender, [numbered(Answer("", answer.buttons), self.replies.render("choose"))])
                return False
        return True

    async def _push_texts(self, sender: str, pieces: List[str]) -> bool:
        assert self.api is not None
        for i, piece in enumerate(pieces):
            try:
                await self.api.send_text(sender, piece)
            except WeChatApiError as error:
                # not lost: the follower's next message gets it as the passive reply
                logger.warning("wechat: could not send to %s (%s); kept for the next message",
                               who(sender), error.errcode)
                await self.pending.add(sender, pieces[i:])
                return False
        return True

    async def close(self) -> None:
        await self.inflight.drain()
        if self.api is not None:
            await self.api.close()
