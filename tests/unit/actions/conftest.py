"""Fixtures for running rasa-sdk actions directly, as the action server would."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from bot.storage.migrate import upgrade
from tests.support.faq_kb import write_kb


def parse_data(intent: str, confidence: float = 0.9,
               entities: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
    """A message's NLU result as Rasa sends it to the action server."""
    ranked = {"name": intent, "confidence": confidence}
    return {"intent": ranked, "intent_ranking": [ranked], "entities": entities or []}


def make_tracker(text: str, intent: str, entities: Optional[List[Dict[str, Any]]] = None,
                 slots: Optional[Dict[str, Any]] = None, sender: str = "tester") -> Tracker:
    message = {"text": text, **parse_data(intent, entities=entities)}
    return Tracker(sender, slots or {}, message, [], False, None, {}, "action_listen")


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def faq_dir(tmp_path, monkeypatch):
    """Actions read a small knowledge base from a temporary FAQ_DIR."""
    directory = write_kb(tmp_path / "faq")
    monkeypatch.setenv("FAQ_DIR", str(directory))
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    services.reset()
    yield directory
    services.reset()
