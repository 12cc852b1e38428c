"""The misunderstood inbox's objects for the console, built on first use (``app.ctx.inbox``):
the page's routes (bot.console.inbox) and the FAQ editor (a new entry drafted from the
inbox) share them. Nothing heavy is loaded here: the encoder loads when the first
messages are embedded, the PII redactor when the first text is masked again.
"""
from __future__ import annotations

import asyncio
import re
from typing import List

from sanic import Sanic

from bot.security.stored_events import masked_text
from bot.storage.engine import make_engine
from bot.storage.tracker_events import TrackerEvents
from bot.teaching.inbox import Inbox, known_examples
from bot.teaching.inbox_sources import InboxSources
from bot.teaching.inbox_vectors import for_project
from bot.teaching.misread import Thresholds
from bot.text.catalogue import Catalogue

KEY = re.compile(r"[tc]\d{1,18}-\d{1,12}")
MAX_KEYS = 2000  # a group's keys in one form


def inbox_of(app: Sanic) -> Inbox:
    found = getattr(app.ctx, "inbox", None)
    if found is None:
        console, teaching = app.ctx.console, app.ctx.teaching  # bot.console.corrections: its stores
        settings = console.settings

        def redact(text: str) -> str:
            return str(masked_text(text, console.redactor()))

        sources = InboxSources(TrackerEvents(make_engine(settings.tracker_db_url)), teaching.corrections,
                               Thresholds.from_config(settings.project_dir / "config.yml"), redact)
        vectors = for_project(settings.project_dir, Catalogue.load(settings.catalogue_file),
                              settings.embedding_cache_file)
        found = Inbox(sources, teaching.approved, vectors,
                      known_examples(settings.project_dir, settings.catalogue_file, settings.real_dev_file), redact)
        app.ctx.inbox = found
    return found


def parse_keys(*raw: str) -> List[str]:
    """The message keys of form fields (space-separated); ValueError for anything else."""
    keys = [key for value in raw for key in value.split()]
    if len(keys) > MAX_KEYS or not all(KEY.fullmatch(key) for key in keys):
        raise ValueError("not inbox message keys")
    return list(dict.fromkeys(keys))


async def faq_entry_saved(app: Sanic, raw_keys: str, by: str) -> None:
    """A new FAQ entry drafted from inbox messages was saved: they leave the inbox."""
    try:
        keys = parse_keys(raw_keys)
    except ValueError:
        return
    inbox = inbox_of(app)

    def work() -> None:
        messages, _ = inbox.find(keys)
        inbox.mark_in_faq(messages, by)

    await asyncio.to_thread(work)
