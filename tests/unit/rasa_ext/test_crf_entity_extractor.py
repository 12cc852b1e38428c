"""StoredCRFEntityExtractor: fitted once per training set, stored fitted, loaded without a refit."""
import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_ext.nlu.crf_entity_extractor import ORDER_FILE, StoredCRFEntityExtractor, entities_reviewed

CONTEXT = ExecutionContext(graph_schema=None, model_id="1")
AMOUNTS = ["200", "35", "1000", "88", "9", "470", "12", "60"]
UNREVIEWED = {"entities_reviewed": False}


def example(text, amount=None, intent_metadata=None):
    entities = []
    if amount is not None:
        start = text.index(amount)
        entities = [{"entity": "amount", "start": start, "end": start + len(amount), "value": amount}]
    return Message.build(text, "inform", entities, intent_metadata)


def training_data(*extra):
    messages = [example(f"charged {a} yuan twice", a) for a in AMOUNTS]
    messages += [example(f"refund {a} please", a) for a in AMOUNTS]
    messages += [example("my card is locked"), example("hello there"), *extra]
    return prepared(messages)


def prepared(messages):
    data = TrainingData(messages)
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process_training_data(data)
    for message in data.training_examples:
        message.add_features(Features(np.ones((1, 2)), FEATURE_TYPE_SENTENCE, TEXT, "dense"))
    return data


def parsed(extractor, text):
    message = prepared([Message({TEXT: text})]).training_examples[0]
    extractor.process([message])
    return [(e["entity"], e["value"]) for e in message.get("entities", [])]


@pytest.fixture
def config(tmp_path):
    return {**StoredCRFEntityExtractor.get_default_config(), "store_path": str(tmp_path / "store")}


def storage_in(folder):
    folder.mkdir(parents=True)
    return LocalModelStorage(folder)


def train(config, storage, data, name="crf"):
    extractor = StoredCRFEntityExtractor.create(config, storage, Resource(name), CONTEXT)
    extractor.train(data)
    return extractor


def test_it_is_loaded_fitted_and_reads_as_trained(tmp_path, config, monkeypatch):
    storage = storage_in(tmp_path / "model")
    trained = train(config, storage, training_data())
    assert parsed(trained, "charged 530 yuan twice") == [("amount", "530")]
    monkeypatch.setattr(StoredCRFEntityExtractor, "train_model", None)  # a refit would fail
    loaded = StoredCRFEntityExtractor.load(config, storage, Resource("crf"), CONTEXT)
    with storage.read_from(Resource("crf")) as directory:
        assert sorted(p.name for p in directory.iterdir()) == [ORDER_FILE, "entity.crfsuite"]
    for text in ("charged 530 yuan twice", "refund 77 please", "hello there"):
        assert parsed(loaded, text) == parsed(trained, text)


def test_rasa_fits_the_same_crf(tmp_path, config):
    storage = storage_in(tmp_path / "model")
    ours = train(config, storage, training_data())
    rasa_config = CRFEntityExtractor.get_default_config()
    theirs = CRFEntityExtractor.create(rasa_config, storage, Resource("rasa"), CONTEXT)
    theirs.train(training_data())
    message = prepared([Message({TEXT: "refund 530 yuan twice"})]).training_examples[0]
    assert ours.extract_entities(message) == theirs.extract_entities(message)


def test_a_second_training_of_the_same_data_takes_the_stored_crf(tmp_path, config, monkeypatch):
    first = train(config, storage_in(tmp_path / "a"), training_data())
    monkeypatch.setattr(StoredCRFEntityExtractor, "train_model", None)
    again = train(config, storage_in(tmp_path / "b"), training_data(), "again")
    assert parsed(again, "refund 530 please") == parsed(first, "refund 530 please") == [("amount", "530")]
    assert len(list((tmp_path / "store").iterdir())) == 1


def test_unreviewed_examples_are_left_out_of_the_crf(tmp_path, config, monkeypatch):
    train(config, storage_in(tmp_path / "a"), training_data())
    monkeypatch.setattr(StoredCRFEntityExtractor, "train_model", None)
    unreviewed = example("charged 45 yuan for nothing", intent_metadata=UNREVIEWED)
    train(config, storage_in(tmp_path / "b"), training_data(unreviewed), "b")
    assert len(list((tmp_path / "store").iterdir())) == 1


def test_a_new_reviewed_example_is_fitted(tmp_path, config):
    train(config, storage_in(tmp_path / "a"), training_data())
    train(config, storage_in(tmp_path / "b"), training_data(example("refund 3 now", "3")), "b")
    assert len(list((tmp_path / "store").iterdir())) == 2


def test_without_a_store_it_fits_every_time(tmp_path, config):
    trained = train({**config, "store_path": ""}, storage_in(tmp_path / "a"), training_data())
    assert parsed(trained, "refund 530 please") == [("amount", "530")]
    assert not (tmp_path / "store").exists()


def test_trained_without_entities_it_loads_and_finds_none(tmp_path, config):
    storage = storage_in(tmp_path / "model")
    train(config, storage, prepared([example("hello there"), example("my card is locked")]))
    loaded = StoredCRFEntityExtractor.load(config, storage, Resource("crf"), CONTEXT)
    assert loaded.entity_taggers is None
    assert parsed(loaded, "refund 530 please") == []


@pytest.mark.parametrize("intent_metadata, reviewed", [
    pytest.param(None, True, id="no-metadata"),
    pytest.param({"entities_reviewed": True}, True, id="reviewed"),
    pytest.param({"other": 1}, True, id="other-metadata"),
    pytest.param(UNREVIEWED, False, id="unreviewed"),
])
def test_entities_reviewed(intent_metadata, reviewed):
    assert entities_reviewed(example("hello there", intent_metadata=intent_metadata)) is reviewed

