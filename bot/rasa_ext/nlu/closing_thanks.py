"""A thank-you that closes the conversation, whatever else the message tells.

"好了关掉了谢谢你啊你们这个服务态度还可以" reads as a complaint (服务态度), "找到了 租客
说那笔转错了 … 那没事了 谢谢" as a failed transfer, "学校收到了 谢谢你啊小同志 你们态度
好" as agreement with nothing to agree to: the customer is done and thanks us, and got
a complaint form, the transfer answer again or "I did not understand". A message with
one of ``thanks`` and none of ``unless`` (a question, something still wrong, a complaint,
money lost, a request) is the ``intent`` (thanks), ranked first, when the classifier
read it as one of ``over`` (a complaint, a problem, a general question); an agreement,
a request for a person or to stop the questions keeps its own flow.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.text.simplify import to_simplified


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ClosingThanksGuard(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"intent": "thank", "thanks": [], "unless": [], "over": []}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._intent = str(config["intent"])
        self._thanks = tuple(str(w).lower() for w in config["thanks"])
        self._unless = tuple(str(w).lower() for w in config["unless"])
        self._over = frozenset(str(i) for i in config["over"])

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "ClosingThanksGuard":
        return cls(config)

    def closes(self, text: str) -> bool:
        simplified = to_simplified(text or "").lower()
        return any(w in simplified for w in self._thanks) and not any(w in simplified for w in self._unless)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get(INTENT_NAME_KEY) not in self._over or not self.closes(message.get(TEXT)):
                continue
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != self._intent]
            # Decided by the words, not the classifier: sure, so no fallback follows.
            thanks = {INTENT_NAME_KEY: self._intent, PREDICTED_CONFIDENCE_KEY: 1.0}
            message.set(INTENT, dict(thanks), add_to_output=True)
            message.set(INTENT_RANKING_KEY, [thanks] + ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: Any) -> Any:
        return training_data
