"""A request for a person the classifier is unsure of, in words that never ask for one.

Real customers tell long stories with "他让我…给他" in them ("刚才有个人打电话说发错了
让我把码念给他"); the classifier can rank such a message a weak first for a person,
and the handoff's questions would follow where the story needed an answer. Below
``below`` confidence, a message with none of ``words`` (人工, 客服, 真人, human …)
gets the classifier's next intent instead (the fallback classifier after this one
may still say it is unsure). A request for a person in those words is never touched.
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
class WeakPersonRequestGuard(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"intent": "request_human", "below": 0.5, "words": []}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._intent = str(config["intent"])
        self._below = float(config["below"])
        self._words = tuple(str(w).lower() for w in config["words"])

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "WeakPersonRequestGuard":
        return cls(config)

    def asks_in_words(self, text: str) -> bool:
        simplified = to_simplified(text or "").lower()
        return any(word in simplified for word in self._words)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            ranking = message.get(INTENT_RANKING_KEY) or []
            if intent.get(INTENT_NAME_KEY) != self._intent or len(ranking) < 2:
                continue
            if (intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= self._below or self.asks_in_words(message.get(TEXT)):
                continue
            others = [r for r in ranking if r.get(INTENT_NAME_KEY) != self._intent]
            message.set(INTENT, dict(others[0]), add_to_output=True)
            message.set(INTENT_RANKING_KEY, others + [r for r in ranking if r.get(INTENT_NAME_KEY) == self._intent],
                        add_to_output=True)
        return messages

    def process_training_data(self, training_data: Any) -> Any:
        return training_data
