"""Settings built from the environment, with development defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    faq_dir: Path
    dictionary_dir: Path
    support_dir: Path
    tickets_db_url: str

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            faq_dir=Path(os.environ.get("FAQ_DIR", "data/faq")),
            dictionary_dir=Path(os.environ.get("DICTIONARY_DIR", "data/dictionary")),
            support_dir=Path(os.environ.get("SUPPORT_DIR", "data/support")),
            tickets_db_url=os.environ.get("TICKETS_DB_URL", "sqlite:///var/tickets.db"),
        )
