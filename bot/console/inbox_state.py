"""The misunderstood inbox for the console (`build_inbox`, one per console): the page's
routes (bot.console.inbox) and the FAQ editor (a new entry drafted from the inbox) share
it. Nothing heavy is loaded here: the encoder loads when the first messages are
embedded, the PII redactor when the first text is masked again.
"""
from __future__ import annotations

import asyncio
import re
from typing import Callable, List

from bot.console.teaching_state import Teaching
from bot.pii import Redactor
from bot.security.stored_events import masked_text
from bot.settings import Settings
from bot.storage.tracker_events import TrackerEvents
from bot.teaching.inbox import Inbox, known_examples
from bot.teaching.inbox_sources import InboxSources
from bot.teaching.inbox_vectors import for_project
from bot.teaching.misread import Thresholds
from bot.text.catalogue import Catalogue

KEY = re.compile(r"[tc]\d{1,18}-\d{1,12}")
MAX_KEYS = 2000  # a group's keys in one form


def build_inbox(settings: Settings, tracker: TrackerEvents, teaching: Teaching,
                redactor: Callable[[], Redactor]) -> Inbox:
    def redact(text: str) -> str:
        return str(masked_text(text, redactor()))

    sources = InboxSources(tracker, teaching.corrections, Thresholds.from_config(settings.project_dir / "config.yml"),
                           redact)
    vectors = for_project(settings.project_dir, Catalogue.load(settings.catalogue_file),
                          settings.embedding_cache_file)
    return Inbox(sources, teaching.approved, vectors,
                 known_examples(settings.project_dir, settings.catalogue_file, settings.real_dev_file), redact)


def parse_keys(*raw: str) -> List[str]:
    """The message keys of form fields (space-separated); ValueError for anything else."""
    keys = [key for value in raw for key in value.split()]
    if len(keys) > MAX_KEYS or not all(KEY.fullmatch(key) for key in keys):
        raise ValueError("not inbox message keys")
    return list(dict.fromkeys(keys))


async def faq_entry_saved(inbox: Inbox, raw_keys: str, by: str) -> None:
    """A new FAQ entry drafted from inbox messages was saved: they leave the inbox."""
    try:
        keys = parse_keys(raw_keys)
    except ValueError:
        return

    def work() -> None:
        messages, _ = inbox.find(keys)
        inbox.mark_in_faq(messages, by)

    await asyncio.to_thread(work)
