"""A message as the classifier left it, for the NLU components that read its ranking."""
from typing import Sequence, Tuple

from rasa.shared.nlu.training_data.message import Message


def classified(text: str, ranking: Sequence[Tuple[str, float]]) -> Message:
    """``text`` classified as ``ranking`` (intent names and confidences, best first)."""
    message = Message(data={"text": text})
    ranked = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message.set("intent", ranked[0], add_to_output=True)
    message.set("intent_ranking", ranked, add_to_output=True)
    return message
