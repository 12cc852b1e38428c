"""The NLU's own components on a small pipeline: tokenizer → character n-grams →
sentence embedding → linear classifier, trained, stored and loaded as Rasa does."""
import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_ext.nlu.char_ngram_featurizer import CharNgramFeaturizer, ngrams
from bot.rasa_ext.nlu.linear_intent_classifier import WEIGHTS_FILE, LinearIntentClassifier
from bot.rasa_ext.nlu.sentence_featurizer import SentenceEmbeddingFeaturizer, encoder_text
from bot.rasa_ext.nlu.tokenizer import DomainJiebaTokenizer
from tests.support.servers import ROOT

EXAMPLES = {
    "account_locked": ["账户被冻结了", "{pay_later}被冻结了 用不了", "登录不上 说账号被锁", "账号异常被限制登录了"],
    "sms_code_delay": ["验证码收不到", "短信验证码一直不来", "等了十分钟验证码还没到", "收不到动态码"],
    "transfer_failed": ["转账失败了", "钱转出去对方没收到", "提现一直不到账", "{loan}借的钱还没到卡里"],
}
CONTEXT = ExecutionContext(graph_schema=None, model_id="1")


@pytest.fixture(scope="module")
def components(tmp_path_factory):
    """Trained on EXAMPLES, then loaded back from the model storage."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    tokenizer = DomainJiebaTokenizer.create(
        {**DomainJiebaTokenizer.get_default_config(), "catalogue_path": str(ROOT / "data/support/products.yml")},
        storage, Resource("tokenizer"), CONTEXT)
    cache = tmp_path_factory.mktemp("cache") / "embeddings.sqlite3"
    dense = SentenceEmbeddingFeaturizer(
        {**SentenceEmbeddingFeaturizer.get_default_config(), "cache_path": str(cache)}, "dense")
    chars_config = {**CharNgramFeaturizer.get_default_config(), "alias": "full_chars", "min_df": 1}
    chars = CharNgramFeaturizer.create(chars_config, storage, Resource("chars"), CONTEXT)
    data = TrainingData([Message({TEXT: text, INTENT: intent}) for intent, texts in EXAMPLES.items()
                         for text in texts])
    tokenizer.process_training_data(data)
    chars.train(data)
    chars.process_training_data(data)
    dense.process_training_data(data)
    classifier_config = {**LinearIntentClassifier.get_default_config(), "featurizers": ["full_chars"]}
    LinearIntentClassifier.create(classifier_config, storage, Resource("linear"), CONTEXT).train(data)
    loaded_chars = CharNgramFeaturizer.load(chars_config, storage, Resource("chars"), CONTEXT)
    loaded = LinearIntentClassifier.load(classifier_config, storage, Resource("linear"), CONTEXT)
    return {"tokenizer": tokenizer, "chars": loaded_chars, "dense": dense, "classifier": loaded,
            "storage": storage, "cache": cache}


def parse(components, text):
    message = Message({TEXT: text})
    for name in ("tokenizer", "chars", "dense", "classifier"):
        components[name].process([message])
    return message


def test_the_encoder_reads_products_as_plain_words(components):
    message = Message({TEXT: "星花被凍結了"})
    components["tokenizer"].process([message])
    assert encoder_text(message) == "信用付被冻结了"


@pytest.mark.parametrize("text, intent", [
    pytest.param("我的帐号给冻住了", "account_locked", id="other-wording"),
    pytest.param("短信码迟迟没有收到", "sms_code_delay", id="no-shared-word-with-training"),
    pytest.param("兴借 借款没到银行卡", "transfer_failed", id="product-alias"),
])
def test_trained_pipeline_classifies_wordings_it_never_saw(components, text, intent):
    message = parse(components, text)
    ranking = message.get("intent_ranking")
    assert message.get(INTENT)["name"] == intent
    assert [r["confidence"] for r in ranking] == sorted((r["confidence"] for r in ranking), reverse=True)
    assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-6


def test_the_classifier_is_stored_as_plain_arrays(components):
    with components["storage"].read_from(Resource("linear")) as directory:
        with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as stored:
            assert set(stored.files) == {"coef", "intercept", "classes", "idf0"}
            assert sorted(stored["classes"]) == sorted(EXAMPLES)


def test_training_filled_the_embedding_cache(components):
    from bot.semantics import EmbeddingCache

    assert len(EmbeddingCache(components["cache"])) == sum(len(v) for v in EXAMPLES.values())


def test_character_ngrams_cross_word_boundaries():
    assert ngrams("借款 没到账", 2, 2) == ["借款", "款 ", " 没", "没到", "到账"]
    assert ngrams("ABC", 1, 1) == ["a", "b", "c"]


def test_an_empty_message_gets_no_intent_so_the_fallback_can_take_it(components):
    message = parse(components, "")
    assert message.get(INTENT) == {"name": None, "confidence": 0.0}
    assert message.get("intent_ranking") == []


def test_the_embedding_is_carried_in_the_parse_data_for_the_action_server(components):
    """The action server reads the vector the NLU computed instead of embedding the message again."""
    from bot.semantics import shared_encoder
    from bot.semantics.carried import EMBEDDING_KEY, unpack

    message = parse(components, "星花被凍結了")
    output = message.as_dict(only_output_properties=True)
    carried = unpack(output.get(EMBEDDING_KEY), 384)
    assert carried is not None
    assert np.allclose(carried, shared_encoder(1).encode_one("信用付被冻结了"), atol=1e-3)
