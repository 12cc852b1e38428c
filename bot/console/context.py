"""What every console route needs, built once per app (`Console.build`) and kept on
``app.ctx.console``: one engine per database, the stores on them and every area's state.
Route modules register routes and read this state; they build none of their own."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Optional

import yaml
from sqlalchemy.engine import Engine

from bot.console.canned import CannedLibrary
from bot.console.customer_history import HistoryReader
from bot.console.databases import Databases
from bot.console.delivery import Delivery
from bot.console.faq_editing import FaqEditor
from bot.console.faq_try import DraftSearch
from bot.console.inbox_state import build_inbox
from bot.console.live_sync import OpenTicketSync
from bot.console.queue_rows import RowBuilder
from bot.console.rasa_api import RasaConversations
from bot.console.reporting import Reporting
from bot.console.suggester import Suggester
from bot.console.takeover import HandoffNotices, Takeover
from bot.console.teaching_state import Teaching
from bot.console.wording import ConsoleTexts
from bot.diagnostics.spec import DiagnosticsSpec
from bot.handoff.sla import ServiceHours, SlaClock
from bot.handoff.transcript import intent_names
from bot.local_secrets import model_server_token, rasa_api_token
from bot.names import Names
from bot.pii import Redactor, default_redactor
from bot.settings import Settings, expand_variable
from bot.storage.desk import TicketDesk
from bot.storage.faq_versions import FaqVersionStore
from bot.storage.live_inbox import LiveInbox
from bot.storage.models_registry import ModelRegistry, RegistryUnavailable
from bot.storage.outbox import Outbox
from bot.storage.outbox_wakeups import wakeups_for
from bot.storage.presence import PresenceStore
from bot.storage.ticket_queue import TicketQueue
from bot.storage.tickets import TicketStore
from bot.storage.tracker_events import TrackerEvents
from bot.teaching.candidate import CandidateTrainer
from bot.teaching.inbox import Inbox
from bot.texts import Texts
from bot.wechat.api import WeChatApi
from bot.wechat.config import WeChatSettings

if TYPE_CHECKING:  # imported lazily: the stores below import their own modules
    from bot.storage.staff import StaffStore

logger = logging.getLogger(__name__)

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
    def open(cls, engine: Engine, redis_url: str = "") -> "ConsoleStores":
        """With ``redis_url``, a reply written to the outbox wakes the customer's window at once."""
        from bot.storage.staff import StaffStore

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


@dataclass(frozen=True)
class Models:
    """The model page's and the model server's: the registry, the one trainer, the token
    the Rasa workers pull with."""

    registry: ModelRegistry
    trainer: CandidateTrainer
    server_token: str


@dataclass
class Console:
    """``app.ctx.console``: settings, databases, stores and the services built from them."""

    settings: Settings
    databases: Databases
    stores: ConsoleStores
    texts: Texts
    wording: ConsoleTexts  # what the console itself says to staff
    names: Names
    sla_clock: SlaClock
    rasa: RasaConversations
    wechat: Optional[WeChatApi]
    takeover: Takeover
    history: HistoryReader  # the ticket page's panel about the customer
    rows: RowBuilder  # the queue's rows and problem areas (queue page, JSON API)
    live_sync: OpenTicketSync
    teaching: Teaching  # corrections, intent choices, approved examples
    canned: CannedLibrary
    suggester: Suggester
    faq_editor: FaqEditor
    draft_search: DraftSearch
    inbox: Inbox
    reporting: Reporting
    models: Models

    @classmethod
    def build(cls, settings: Settings, credentials_file: Path, databases: Optional[Databases] = None,
              stores: Optional[ConsoleStores] = None) -> "Console":
        databases = databases or Databases.open(settings)
        stores = stores or ConsoleStores.open(databases.main, settings.redis_url)
        texts = Texts.load(settings.support_dir)
        wording = ConsoleTexts.of(texts)
        names = Names.load(settings.support_dir)
        rasa = RasaConversations(settings.rasa_url, rasa_api_token(settings))
        wechat = _wechat_api(settings, credentials_file)
        delivery = Delivery(stores.outbox, wechat, wording.delivery, texts.replies("wechat").render("choose"))
        tracker = TrackerEvents(databases.tracker)
        takeover = Takeover(stores.desk, rasa, delivery, tracker, _redactor, intent_names(names),
                            HandoffNotices(**texts.raw("handoff_notices")), stores.staff.display_name)
        clock = SlaClock(ServiceHours.load(settings.support_dir / "service_hours.yml"),
                         texts.replies("due_times"))
        rows = RowBuilder(DiagnosticsSpec.load(settings.support_dir), names, clock,
                          settings.unassigned_alert_minutes, wording.queue["other_area"])
        teaching = Teaching.build(settings, names, databases.main)
        canned = CannedLibrary.for_settings(settings)
        faq_versions = FaqVersionStore(databases.main)
        return cls(
            settings, databases, stores, texts, wording, names, clock, rasa, wechat, takeover,
            history=HistoryReader(stores.tickets, tracker, names, _redactor),
            rows=rows, live_sync=OpenTicketSync(takeover), teaching=teaching, canned=canned,
            suggester=Suggester.for_settings(settings, canned, faq_versions),
            faq_editor=FaqEditor(faq_versions, settings.faq_dir), draft_search=DraftSearch(settings),
            inbox=build_inbox(settings, tracker, teaching, _redactor),
            reporting=Reporting.build(settings, databases),
            models=_models(settings, databases.main, teaching, wording.stale_training),
        )

    async def close(self) -> None:
        await self.rasa.close()
        if self.wechat is not None:
            await self.wechat.close()
        self.databases.dispose()

    def redactor(self) -> Redactor:
        """The console's one PII redactor (loaded on first use)."""
        return _redactor()

    def label(self, kind: str, key: Optional[str]) -> str:
        """The Chinese name of a status, channel, intent, detail ... (data/support/names.yml)."""
        return self.names.label(kind, key)


def _models(settings: Settings, database: Engine, teaching: Teaching, stale: str) -> Models:
    """A training the console was running when it stopped is marked failed (``stale``)."""
    registry = ModelRegistry(database)
    try:
        registry.fail_unfinished(stale)
    except RegistryUnavailable:
        logger.warning("console: model registry unavailable at start")
    trainer = CandidateTrainer(settings, registry, teaching.corrections, teaching.approved)
    return Models(registry, trainer, model_server_token(settings))
