"""The web chat input channel: page at ``/chat``, JSON API under ``/webhooks/webchat/``.

Customer messages are POSTed as JSON and the bot's answers come back in the
response. Everything shown in a window is also written to the outbox table;
``GET /webhooks/webchat/events`` streams the rows after ``Last-Event-ID`` as
Server-Sent Events, so a staff reply pushed by another process reaches the
open window.

Rasa mounts a channel's blueprint at ``urljoin("/webhooks/", url_prefix())``.
``url_prefix()`` is ``"/"`` here, which mounts the blueprint at the root, and
the routes below spell out their full paths: ``/chat`` for the page and
``/webhooks/webchat/...`` for the API, where Rasa's channels live.
"""
from __future__ import annotations

import asyncio
import json
import logging
from functools import partial, wraps
from pathlib import Path
from typing import Any, Awaitable, Callable, Coroutine, Dict, List, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError

import bot.webchat
from bot.pii import Redactor, default_redactor
from bot.rasa_ext.channels.limits import ClientLimits, RateLimited
from bot.rasa_ext.channels.startup import tune_after_start
from bot.security.stored_events import masked_text
from bot.settings import Settings, process_settings
from bot.storage.engine import make_engine
from bot.storage.migrate import require_current
from bot.storage.outbox import Outbox
from bot.storage.outbox_wakeups import OutboxWakeups, PollOnly, Waiter, wakeups_for
from bot.storage.unit_of_work import StoreUnavailable
from bot.texts import Replies, Texts
from bot.webchat.message_text import MAX_MESSAGE_CHARS
from bot.webchat.parsing import (
    ApiError,
    bearer_token,
    client_id_of,
    customer_message,
    identity_of,
    json_body,
    metadata_of,
    resume_after,
    sender_of,
)
from bot.webchat.tokens import TokenSigner, load_secret

logger = logging.getLogger(__name__)

STATIC_DIR = Path(bot.webchat.__file__).with_name("static")
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
PAGE_HEADERS = {
    # Defence in depth: even if text ever reached innerHTML, no inline script runs.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
API = "/webhooks/webchat"
GREETING = "utter_greet"  # domain.yml: the greeting and the four problem areas as buttons
ACTION_LISTEN = "action_listen"

dumps = partial(json.dumps, ensure_ascii=False)


def _error(status: int, code: str, message: str,
           headers: Optional[Dict[str, str]] = None) -> HTTPResponse:
    return response.json({"error": code, "message": message}, status=status, dumps=dumps,
                         headers=headers)


def _handler(method: Callable[..., Awaitable[Any]]) -> Callable[..., Coroutine[Any, Any, Any]]:
    """A named method as a Sanic handler: Sanic marks its handlers with attributes,
    which a bound method cannot carry."""
    @wraps(method)
    async def handler(*args: Any, **kwargs: Any) -> Any:
        return await method(*args, **kwargs)
    return handler


async def _db(work: Callable[..., Any], *args: Any) -> Any:
    """Run a blocking outbox call in a thread; a database failure is a 503, not a crash."""
    try:
        return await asyncio.to_thread(work, *args)
    except (SQLAlchemyError, StoreUnavailable):
        logger.exception("web chat: outbox database error")
        raise ApiError(503, "unavailable") from None


class OutboxOutputChannel(CollectingOutputChannel):
    """Collects the bot's messages and writes each to the outbox as it is sent."""

    def __init__(self, outbox: Outbox) -> None:
        super().__init__()
        self._outbox = outbox
        self.rows: List[Dict[str, Any]] = []

    @classmethod
    def name(cls) -> str:
        return "webchat"

    async def _persist_message(self, message: Dict[str, Any]) -> None:
        await super()._persist_message(message)
        extra = {key: message[key] for key in ("buttons", "image", "attachment", "custom")
                 if message.get(key) is not None}
        row = await asyncio.to_thread(self._outbox.append, message["recipient_id"], "bot",
                                      message.get("text") or "", extra)
        self.rows.append(row)


class WebChatInput(InputChannel):
    """``credentials.yml``: ``bot.rasa_ext.channels.webchat.WebChatInput:`` (keys optional:
    ``max_message_chars``, ``poll_seconds``, ``idle_seconds``, ``stream_seconds``,
    ``greeting``: the response a new window opens with, "" for none). The
    database, the secret and Redis come from `bot.settings.Settings` (``DATABASE_URL``,
    ``WEBCHAT_SECRET``, ``REDIS_URL``). With Redis an open window is woken by each
    new row of its outbox and looks on its own every ``idle_seconds``; without it,
    every ``poll_seconds`` (bot.storage.outbox_wakeups)."""

    @classmethod
    def name(cls) -> str:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "WebChatInput":
        credentials = credentials or {}
        return cls(
            max_message_chars=int(credentials.get("max_message_chars", MAX_MESSAGE_CHARS)),
            poll_seconds=float(credentials.get("poll_seconds", 1.0)),
            idle_seconds=float(credentials.get("idle_seconds", 15.0)),
            stream_seconds=float(credentials.get("stream_seconds", 25.0)),
            greeting=str(credentials.get("greeting", GREETING) or ""),
        )

    def __init__(self, settings: Optional[Settings] = None,
                 max_message_chars: int = MAX_MESSAGE_CHARS, poll_seconds: float = 1.0,
                 stream_seconds: float = 25.0, idle_seconds: float = 15.0,
                 greeting: str = GREETING) -> None:
        self._settings = settings
        self.max_message_chars = max_message_chars
        self.greeting = greeting
        self.poll_seconds = poll_seconds
        self.idle_seconds = idle_seconds
        self.stream_seconds = stream_seconds
        # Built per server process when it starts (no engine at import or before a fork).
        self.texts = Replies({})
        self._limits: Optional[ClientLimits] = None
        self._redactor: Optional[Redactor] = None
        self._outbox: Optional[Outbox] = None
        self._wakeups: OutboxWakeups = PollOnly(poll_seconds)
        self._signer: Optional[TokenSigner] = None
        self._closing: Optional[asyncio.Event] = None
        # Set when Rasa mounts the blueprint.
        self._on_new_message: Optional[Callable[[UserMessage], Awaitable[Any]]] = None
        self._assets: Dict[str, Path] = {}

    def url_prefix(self) -> str:
        return "/"

    # Start and stop --------------------------------------------------------
    def _open(self) -> None:
        settings = self._settings or process_settings()
        require_current(settings.database_url)  # `python -m bot db-upgrade` migrates, not us
        self._wakeups = wakeups_for(settings.redis_url, self.poll_seconds, self.idle_seconds)
        self._outbox = Outbox(make_engine(settings.database_url), self._wakeups)
        self._signer = TokenSigner(load_secret(settings.webchat_secret, settings.webchat_secret_file))
        self.texts = Texts.load(settings.support_dir).replies("webchat")
        self._limits = ClientLimits.from_settings(settings, self.name())
        self._redactor = default_redactor()  # codes and passwords never reach the outbox

    async def start(self) -> None:
        self._closing = asyncio.Event()
        await asyncio.to_thread(self._open)
        await self._wakeups.start()

    async def stop(self) -> None:
        if self._closing is not None:
            self._closing.set()  # open event streams end now, so shutdown does not wait
        await self._wakeups.stop()

    @property
    def limits(self) -> ClientLimits:
        if self._limits is None:
            raise RuntimeError("web chat channel used before the server started")
        return self._limits

    def _masked(self, text: str) -> str:
        return masked_text(text, self._redactor) if self._redactor is not None else text

    @property
    def outbox(self) -> Outbox:
        if self._outbox is None:
            raise RuntimeError("web chat channel used before the server started")
        return self._outbox

    @property
    def signer(self) -> TokenSigner:
        if self._signer is None:
            raise RuntimeError("web chat channel used before the server started")
        return self._signer

    @property
    def closing(self) -> asyncio.Event:
        if self._closing is None:
            raise RuntimeError("web chat channel used before the server started")
        return self._closing

    def get_output_channel(self) -> Optional[OutboxOutputChannel]:
        """Used by Rasa's ``trigger_intent?output_channel=webchat``: answers land in the outbox."""
        return OutboxOutputChannel(self._outbox) if self._outbox else None

    # Requests --------------------------------------------------------------
    def _sender(self, request: Request) -> str:
        return sender_of(self.signer, bearer_token(request.headers, request.args.get("token")))

    async def _greet(self, agent: Any, sender_id: str) -> List[Dict[str, Any]]:
        """The greeting of a window that has shown nothing yet, once: the domain's response
        run as a bot turn (in the tracker like any answer, so staff see what the customer
        was shown; and in the outbox), then back to listening. Nothing when the window
        already has messages or the conversation is with a person (paused)."""
        collector = OutboxOutputChannel(self.outbox)
        async with agent.lock_store.lock(sender_id):  # a message or a second tab waits
            if await _db(self.outbox.history, sender_id, 1):
                return []
            tracker = await agent.tracker_store.retrieve(sender_id)
            if tracker is not None and (tracker.is_paused() or tracker.latest_message.text):
                return []
            await agent.execute_action(sender_id, self.greeting, collector, None, None)
            await agent.execute_action(sender_id, ACTION_LISTEN, collector, None, None)
        return collector.rows

    # Blueprint: registration only; each route is a named method below ----
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        self._on_new_message = on_new_message
        self._assets = {path.name: path for path in STATIC_DIR.iterdir() if path.is_file()}
        bp = Blueprint("webchat", __name__)
        tune_after_start(bp)
        bp.listener(_handler(self._before_start), "before_server_start")
        bp.listener(_handler(self._before_stop), "before_server_stop")
        bp.exception(RateLimited)(_handler(self.rate_limited))
        bp.exception(ApiError)(_handler(self.api_error))
        bp.middleware(_handler(self.limit_per_address), "request")

        def route(method: Callable[..., Awaitable[Any]], uri: str, verb: str = "GET",
                  **options: Any) -> None:
            bp.add_route(_handler(method), uri, methods=[verb], name=method.__name__, **options)

        route(self.page, "/chat", strict_slashes=False)
        route(self.static, "/chat/static/<name:str>")
        route(self.health, f"{API}/")
        route(self.session, f"{API}/session", "POST")
        route(self.history, f"{API}/history")
        route(self.message, f"{API}/message", "POST")
        route(self.greeting_turn, f"{API}/greeting", "POST")
        route(self.events, f"{API}/events")
        return bp

    async def _before_start(self, _app: Any, _loop: Any) -> None:
        await self.start()

    async def _before_stop(self, _app: Any, _loop: Any) -> None:
        await self.stop()

    async def rate_limited(self, _request: Request, error: RateLimited) -> HTTPResponse:
        return _error(429, error.what, self.texts.render(error.what, seconds=error.retry_after),
                      {"Retry-After": str(error.retry_after)})

    async def api_error(self, _request: Request, error: ApiError) -> HTTPResponse:
        return _error(error.status, error.code, self.texts.render(error.text, **error.values),
                      error.headers)

    async def limit_per_address(self, request: Request) -> None:
        if request.path.startswith(f"{API}/"):
            await self.limits.check_address(request)

    def _asset(self, name: str) -> HTTPResponse:
        path = self._assets.get(name)
        if path is None:
            return _error(404, "not_found", self.texts.render("not_found"))
        return response.raw(path.read_bytes(), headers=PAGE_HEADERS,
                            content_type=CONTENT_TYPES.get(path.suffix, "application/octet-stream"))

    # Routes ----------------------------------------------------------------
    async def page(self, _request: Request) -> HTTPResponse:
        """GET /chat: the help window."""
        return self._asset("index.html")

    async def static(self, _request: Request, name: str) -> HTTPResponse:
        """GET /chat/static/<name>: the window's CSS, JS and images."""
        return self._asset(name)

    async def health(self, _request: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    async def session(self, request: Request) -> HTTPResponse:
        """POST session: a token for this window (a signed user's own, or anonymous)."""
        await self.limits.check_new_session(request)
        identity, refused = identity_of(self.signer, json_body(request.body))
        return response.json({"token": self.signer.issue(identity.sender_id),
                              "user": identity.user_id is not None,
                              "uid_refused": refused,
                              "max_chars": self.max_message_chars}, dumps=dumps)

    async def history(self, request: Request) -> HTTPResponse:
        """GET history: everything the window has shown, masked."""
        sender_id = self._sender(request)
        rows = await _db(self.outbox.history, sender_id)
        return response.json({"messages": rows,
                              "last_id": rows[-1]["id"] if rows else 0}, dumps=dumps)

    async def message(self, request: Request) -> HTTPResponse:
        """POST message: the customer's message to the bot; the answers in the response."""
        sender_id = self._sender(request)
        await self.limits.check_sender(sender_id)
        body = json_body(request.body)
        typed = customer_message(body, self.max_message_chars)
        metadata = metadata_of(body, sender_id)
        # After a reload the window shows what was typed with its secrets masked (138****5678).
        shown = await asyncio.to_thread(self._masked, typed.shown)
        user_row = await _db(self.outbox.append, sender_id, "user", shown, client_id_of(body))
        collector = OutboxOutputChannel(self.outbox)
        if self._on_new_message is None:
            raise RuntimeError("web chat channel used before Rasa mounted it")
        try:
            await self._on_new_message(UserMessage(typed.text, collector, sender_id,
                                                   input_channel=self.name(), metadata=metadata))
        except asyncio.CancelledError:
            raise
        except Exception:  # the customer's text is not logged (PII)
            logger.exception("web chat: handling a message for %s failed", sender_id)
            return _error(500, "bot_failed", self.texts.render("bot_failed"))
        return response.json({"user": user_row, "messages": collector.rows}, dumps=dumps)

    async def greeting_turn(self, request: Request) -> HTTPResponse:
        """POST greeting: the greeting of a new window (see `_greet`)."""
        sender_id = self._sender(request)
        await self.limits.check_sender(sender_id)
        if not self.greeting:
            return response.json({"messages": []})
        try:
            rows = await self._greet(request.app.ctx.agent, sender_id)
        except (asyncio.CancelledError, ApiError):
            raise
        except Exception:  # the window still works: the customer can type
            logger.exception("web chat: greeting %s failed", sender_id)
            raise ApiError(503, "unavailable") from None
        return response.json({"messages": rows}, dumps=dumps)

    async def events(self, request: Request) -> None:
        """GET events: Server-Sent Events of the outbox rows after ``Last-Event-ID``."""
        sender_id = self._sender(request)
        last_id = resume_after(request.headers.get("last-event-id") or request.args.get("after"))
        if last_id is None:  # no position: only what comes from now on
            rows = await _db(self.outbox.history, sender_id, 1)
            last_id = rows[-1]["id"] if rows else 0
        with self.limits.stream(sender_id):
            await self._stream(request, sender_id, last_id)

    async def _pause(self, waiter: Waiter, timeout: float) -> None:
        """Until the outbox has a new row for the stream, the server closes, or ``timeout``."""
        if timeout <= 0:
            return
        woken = asyncio.ensure_future(waiter.wait(timeout))
        closing = asyncio.ensure_future(self.closing.wait())
        try:
            await asyncio.wait({woken, closing}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (woken, closing):
                task.cancel()

    async def _stream(self, request: Request, sender_id: str, last_id: int) -> None:
        stream = await request.respond(
            content_type="text/event-stream; charset=utf-8",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
        await stream.send(f"retry: 1000\n: since {last_id}\n\n")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.stream_seconds
        waiter = self._wakeups.register(sender_id)
        try:
            while loop.time() < deadline and not self.closing.is_set():
                waiter.clear()  # before the read: a row committed after it wakes the wait below
                try:
                    rows = await _db(self.outbox.after, sender_id, last_id)
                except ApiError:
                    break  # the browser reconnects and resumes from its Last-Event-ID
                for row in rows:
                    await stream.send(f"id: {row['id']}\nevent: message\ndata: {dumps(row)}\n\n")
                    last_id = row["id"]
                await self._pause(waiter, min(self._wakeups.idle_seconds, deadline - loop.time()))
        finally:
            self._wakeups.unregister(sender_id, waiter)
        # The browser's EventSource reconnects with Last-Event-ID: short streams
        # free the worker and pass through proxies that cut idle connections.
        await stream.eof()
