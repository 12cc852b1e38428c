"""Which model file is active, and its ETag (what Rasa's model pulling compares).

The active model is the registry's active entry; when none was ever activated in
the console, the newest model in ``models/`` (what ``rasa run --model models``
loads: today's behaviour). The ETag is the file's name, quoted: Rasa keeps the
ETag it was given as its model's fingerprint and sends it back as
``If-None-Match`` (rasa/core/agent.py ``_pull_model_and_fingerprint``), so a
worker that loaded ``models/X.tar.gz`` at start with that same fingerprint is
answered 304 until another model is activated.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from bot.settings import Settings
    from bot.storage.models_registry import ModelEntry, ModelRegistry


def model_etag(file_name: str) -> str:
    return f'"{file_name}"'


def newest_project_model(settings: "Settings") -> Optional[Path]:
    found = sorted((settings.project_dir / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def model_file(settings: "Settings", entry: "ModelEntry") -> Optional[Path]:
    """Where an entry's file is: the console's candidates, or the project's models."""
    if not entry.file_name or "/" in entry.file_name or entry.file_name.startswith("."):
        return None
    for folder in (settings.candidates_dir, settings.project_dir / "models"):
        path = folder / entry.file_name
        if path.is_file():
            return path
    return None


def active_model(settings: "Settings", registry: "ModelRegistry") -> Optional[Path]:
    """The file the Rasa workers should serve (blocking: database and files)."""
    entry = registry.active()
    if entry is not None:
        path = model_file(settings, entry)
        if path is not None:
            return path
    return newest_project_model(settings)
