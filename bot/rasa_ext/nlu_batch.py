"""A trained model's NLU on many messages at once (a candidate's evaluation).

Rasa's Agent parses one message per graph run; the NLU graph takes a list, and our
components (the encoder, the linear classifier) are faster on a batch. Only the
NLU target runs: no tracker store, no policies, no actions. Each message's intent
is the one a server would give it (after the fallback classifiers).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, List, Sequence

BATCH = 64


class NluBatchParser:
    """A loaded model's NLU graph (`load`), read in batches of ``batch`` messages."""

    def __init__(self, agent: Any, batch: int = BATCH) -> None:
        self._agent = agent
        self._batch = batch

    @classmethod
    def load(cls, model: Path, batch: int = BATCH) -> "NluBatchParser":
        from bot.rasa_ext.train_job import load_agent

        return cls(load_agent(model), batch)

    def parse(self, texts: Sequence[str]) -> List[Any]:
        """Rasa's parsed messages (``rasa.shared.nlu.training_data.message.Message``), in order."""
        from rasa.core.channels.channel import UserMessage
        from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
        from rasa.shared.core.trackers import DialogueStateTracker

        processor = self._agent.processor
        target = processor.model_metadata.nlu_target
        tracker = DialogueStateTracker.from_events("evaluation", [])
        results = processor.graph_runner.run(
            inputs={PLACEHOLDER_MESSAGE: [UserMessage(text) for text in texts], PLACEHOLDER_TRACKER: tracker},
            targets=[target])
        return list(results[target])

    async def intents(self, texts: Sequence[str], step: Callable[[], None]) -> List[str]:
        """Each text's intent name (``step`` after each)."""
        found: List[str] = []
        for start in range(0, len(texts), self._batch):
            for message in self.parse(texts[start:start + self._batch]):
                intent = message.get("intent") or {}
                found.append(str(intent.get("name")))
                step()
        return found
