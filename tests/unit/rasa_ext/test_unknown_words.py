"""UnknownWordsFallback: nlu_fallback only when no word of the message was ever trained on."""
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_ext.nlu.unknown_words import UnknownWordsFallback


def message(*words: str, entities=(), training: bool = False):
    """A tokenized message: a training example (intent by name) or a parsed one."""
    tokens, position = [], 0
    for word in words:
        tokens.append(Token(word, position))
        position += len(word)
    intent = "inform" if training else {"name": "inform", "confidence": 0.93}
    msg = Message({TEXT: "".join(words), INTENT: intent, ENTITIES: list(entities)})
    msg.set(TOKENS_NAMES[TEXT], tokens)
    return msg


@pytest.fixture
def component(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("unknown_words")
    context = ExecutionContext(graph_schema=None, model_id="1")
    trained = UnknownWordsFallback.create({}, storage, resource, context)
    trained.train(TrainingData([message("验证码", "收不到", training=True),
                                message("转账", "失败", training=True)]))
    return UnknownWordsFallback.load({}, storage, resource, context)


@pytest.mark.parametrize("words, entities, falls_back", [
    pytest.param(("asdkjh", "qwpeo"), (), True, id="keyboard-mashing"),
    pytest.param(("验证码", "zzz"), (), False, id="one-known-word"),
    pytest.param(("13812345678",), (), False, id="digits-only"),
    pytest.param(("qwpeo",), ({"entity": "amount", "value": "5"},), False, id="pattern-found-an-entity"),
])
def test_fallback_only_when_nothing_was_understood(component, words, entities, falls_back):
    [processed] = component.process([message(*words, entities=entities)])
    assert (processed.get(INTENT)["name"] == "nlu_fallback") is falls_back
