"""The one place that builds objects shared by actions, lazily on first use."""
from __future__ import annotations

from functools import lru_cache

from bot.config import Settings
from bot.faq.lookup import FaqService
from bot.text.segment import load_dictionary


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_env()


@lru_cache(maxsize=1)
def faq_service() -> FaqService:
    load_dictionary(settings().dictionary_dir)
    return FaqService(settings().faq_dir)
