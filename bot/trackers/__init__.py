"""Conversation (tracker) storage for the Rasa server: `CachedSQLTrackerStore`."""
from bot.trackers.sql import CachedSQLTrackerStore

__all__ = ["CachedSQLTrackerStore"]
