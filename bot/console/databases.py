"""The console's database connections: one engine per database, opened once per app
and shared by every store and reader (tickets, staff, FAQ versions, reports ...)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.storage.engine import make_engine


@dataclass(frozen=True)
class Databases:
    """``main``: DATABASE_URL (tickets, staff, FAQ, corrections, models); ``tracker``: the
    Rasa tracker store's database (conversations), the same engine when it is the same URL."""

    main: Engine
    tracker: Engine

    @classmethod
    def open(cls, settings: Settings) -> "Databases":
        main = make_engine(settings.database_url)
        same = settings.tracker_db_url in ("", settings.database_url)
        return cls(main, main if same else make_engine(settings.tracker_db_url))

    def dispose(self) -> None:
        self.main.dispose()
        if self.tracker is not self.main:
            self.tracker.dispose()
