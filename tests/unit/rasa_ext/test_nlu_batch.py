"""NluBatchParser: the NLU graph on batches of messages, intents in order."""
import asyncio
from types import SimpleNamespace

from rasa.engine.constants import PLACEHOLDER_MESSAGE
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext.nlu_batch import NluBatchParser


class FakeGraph:
    def __init__(self):
        self.batches = []

    def run(self, inputs, targets):
        messages = inputs[PLACEHOLDER_MESSAGE]
        self.batches.append([m.text for m in messages])
        intent = lambda text: {"name": "billing_issue" if "扣" in text else None, "confidence": 0.9}  # noqa: E731
        return {targets[0]: [Message({"text": m.text, "intent": intent(m.text)}) for m in messages]}


def parser(batch):
    graph = FakeGraph()
    processor = SimpleNamespace(graph_runner=graph, model_metadata=SimpleNamespace(nlu_target="run_nlu"))
    return NluBatchParser(SimpleNamespace(processor=processor), batch), graph


def test_intents_in_order_batch_by_batch():
    batch_parser, graph = parser(batch=2)
    steps = []
    found = asyncio.run(batch_parser.intents(["又扣钱了", "你好", "扣了两次", ""], lambda: steps.append(1)))
    assert found == ["billing_issue", "None", "billing_issue", "None"]  # as str(parse["intent"]["name"])
    assert graph.batches == [["又扣钱了", "你好"], ["扣了两次", ""]]
    assert len(steps) == 4


def test_nothing_to_parse():
    batch_parser, graph = parser(batch=64)
    assert asyncio.run(batch_parser.intents([], lambda: None)) == [] and graph.batches == []
