"""What every console route needs, built once per app and kept on ``app.ctx.console``."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Optional

import yaml

from bot.console.delivery import Delivery
from bot.console.rasa_api import RasaConversations
from bot.console.takeover import HandoffNotices, Takeover
from bot.handoff.sla import ServiceHours, SlaClock
from bot.handoff.transcript import intent_names
from bot.local_secrets import rasa_api_token
from bot.names import Names
from bot.pii import Redactor, default_redactor
from bot.settings import Settings, expand_variable
from bot.storage.desk import TicketDesk
from bot.storage.engine import make_engine
from bot.storage.live_inbox import LiveInbox
from bot.storage.outbox import Outbox
from bot.storage.outbox_wakeups import wakeups_for
from bot.storage.presence import PresenceStore
from bot.storage.ticket_queue import TicketQueue
from bot.storage.tickets import TicketStore
from bot.storage.tracker_events import TrackerEvents
from bot.texts import Texts
from bot.wechat.api import WeChatApi
from bot.wechat.config import WeChatSettings

if TYPE_CHECKING:  # imported lazily: the stores below import their own modules
    from bot.storage.staff import StaffStore

WECHAT_CHANNEL = "bot.rasa_ext.channels.wechat.WeChatInput"


@dataclass
class ConsoleStores:
    tickets: TicketStore
    desk: TicketDesk
    staff: "StaffStore"
    outbox: Outbox
    queue: TicketQueue
    inbox: LiveInbox
    presence: PresenceStore

    @classmethod
    def open(cls, database_url: str, redis_url: str = "") -> "ConsoleStores":
        """With ``redis_url``, a reply written to the outbox wakes the customer's window at once."""
        from bot.storage.staff import StaffStore

        engine = make_engine(database_url)
        return cls(TicketStore(engine), TicketDesk(engine), StaffStore(engine),
                   Outbox(engine, wakeups_for(redis_url)), TicketQueue(engine), LiveInbox(engine),
                   PresenceStore(engine))


def _wechat_api(settings: Settings, credentials_file: Path) -> Optional[WeChatApi]:
    """The customer-service API of the official account, as the WeChat channel is configured."""
    raw: Dict[str, Any] = {}
    if credentials_file.exists():
        raw = (yaml.safe_load(credentials_file.read_text(encoding="utf-8")) or {}).get(WECHAT_CHANNEL) or {}
    secrets = settings.wechat_environment()
    raw = {key: expand_variable(value, secrets) for key, value in raw.items()}
    wechat = WeChatSettings.from_credentials(raw, secrets, settings.support_dir)
    if not wechat.can_push:
        return None
    tokens = None
    if settings.redis_url:  # share the workers' access token: fetching one would void theirs
        from bot.redis_client import connect
        from bot.wechat.shared import RedisTokenCache, prefix_for

        tokens = RedisTokenCache(connect(settings.redis_url), prefix_for(wechat.app_id))
    return WeChatApi(wechat.app_id, wechat.secret, wechat.api_base, tokens=tokens)


@lru_cache(maxsize=1)
def _redactor() -> Redactor:
    return default_redactor()


def masked(text: str) -> str:
    """``text`` with every secret masked by the console's one redactor (blocking)."""
    return _redactor().redact(text).text


def warm_up() -> None:
    """Blocking: load the PII redactor (spaCy, seconds) before a request needs it, so the
    first transcript copy does not hold up the live inbox's polls for that long."""
    _redactor()


@dataclass
class Console:
    """``app.ctx.console``: settings, stores and the services built from them."""

    settings: Settings
    stores: ConsoleStores
    texts: Texts
    sla_clock: SlaClock
    rasa: RasaConversations
    wechat: Optional[WeChatApi]
    takeover: Takeover
    names: Names

    @classmethod
    def build(cls, settings: Settings, stores: ConsoleStores, credentials_file: Path) -> "Console":
        texts = Texts.load(settings.support_dir)
        names = Names.load(settings.support_dir)
        rasa = RasaConversations(settings.rasa_url, rasa_api_token(settings))
        wechat = _wechat_api(settings, credentials_file)
        delivery = Delivery(stores.outbox, wechat, texts.replies("wechat").render("choose"))
        tracker = TrackerEvents(make_engine(settings.tracker_db_url))
        takeover = Takeover(stores.desk, rasa, delivery, tracker, _redactor, intent_names(names),
                            HandoffNotices(**texts.raw("handoff_notices")), stores.staff.display_name)
        clock = SlaClock(ServiceHours.load(settings.support_dir / "service_hours.yml"),
                         texts.replies("due_times"))
        return cls(settings, stores, texts, clock, rasa, wechat, takeover, names)

    async def close(self) -> None:
        await self.rasa.close()
        if self.wechat is not None:
            await self.wechat.close()

    def redactor(self) -> Redactor:
        """The console's one PII redactor (loaded on first use)."""
        return _redactor()

    def label(self, kind: str, key: Optional[str]) -> str:
        """The Chinese name of a status, channel, intent, detail ... (data/support/names.yml)."""
        return self.names.label(kind, key)
