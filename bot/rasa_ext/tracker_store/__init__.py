"""Conversation (tracker) storage for the Rasa server: `CachedSQLTrackerStore`."""
from bot.rasa_ext.tracker_store.sql import CachedSQLTrackerStore

__all__ = ["CachedSQLTrackerStore"]
