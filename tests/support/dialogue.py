"""Talk to an in-process Rasa agent and see what it understood and did."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

IGNORED_ACTIONS = {"action_listen", "action_session_start"}


@dataclass
class Turn:
    intent: Optional[str]
    confidence: float
    entities: List[Dict[str, Any]]
    actions: List[str]
    texts: List[str]
    buttons: List[Dict[str, Any]] = field(default_factory=list)

    @property
    def reply(self) -> str:
        return "\n".join(self.texts)


async def say(agent, sender: str, text: str, metadata: Optional[dict] = None) -> Turn:
    """Send ``text`` as ``sender``; return this turn's intent, actions and replies."""
    from rasa.core.channels.channel import UserMessage

    await agent.handle_message(UserMessage(text, sender_id=sender, metadata=metadata))
    tracker = await agent.tracker_store.retrieve(sender)
    events = list(tracker.events)
    start = max(i for i, e in enumerate(events) if isinstance(e, UserUttered))
    user: UserUttered = events[start]
    later = events[start + 1:]
    bot = [e for e in later if isinstance(e, BotUttered)]
    return Turn(
        intent=user.intent.get("name"),
        confidence=float(user.intent.get("confidence") or 0.0),
        entities=list(user.entities),
        actions=[e.action_name for e in later
                 if isinstance(e, ActionExecuted) and e.action_name not in IGNORED_ACTIONS],
        texts=[e.text for e in bot if e.text],
        buttons=[b for e in bot for b in (e.data or {}).get("buttons") or []],
    )
