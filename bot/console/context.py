"""What every console route needs, built once per app and kept on ``app.ctx.console``."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import Settings
from bot.storage.desk import TicketDesk
from bot.storage.engine import make_engine
from bot.storage.tickets import TicketStore

if TYPE_CHECKING:  # imported lazily: the stores below import their own modules
    from bot.storage.staff import StaffStore


@dataclass
class ConsoleStores:
    tickets: TicketStore
    desk: TicketDesk
    staff: "StaffStore"

    @classmethod
    def open(cls, database_url: str) -> "ConsoleStores":
        from bot.storage.staff import StaffStore

        engine = make_engine(database_url)
        return cls(TicketStore(engine), TicketDesk(engine), StaffStore(engine))


@dataclass
class Console:
    """``app.ctx.console``: settings, stores and the services built from them."""

    settings: Settings
    stores: ConsoleStores
    credentials_file: Path
