"""The old import path of `StoreUnavailable`, kept for callers written against it:
stores now run their work through `bot.storage.unit_of_work`; import from there."""
from bot.storage.unit_of_work import StoreUnavailable

__all__ = ["StoreUnavailable"]
