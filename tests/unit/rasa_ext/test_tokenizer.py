"""DomainJiebaTokenizer: catalogued names are one token of their kind, at their own offsets."""
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext.nlu.tokenizer import DomainJiebaTokenizer
from tests.support.servers import ROOT


def tokenizer(tmp_path, catalogue="data/support/products.yml"):
    config = {**DomainJiebaTokenizer.get_default_config(), "dictionary_path": str(ROOT / "data" / "dictionary"),
              "catalogue_path": str(ROOT / catalogue) if catalogue else None}
    return DomainJiebaTokenizer.create(config, LocalModelStorage(tmp_path), Resource("tok"),
                                       ExecutionContext(graph_schema=None, model_id="1"))


@pytest.mark.parametrize("text", ["星汇宝提现没到账", "{savings}提现没到账", "星會寶提现没到账"])
def test_names_placeholders_and_traditional_spellings_give_the_same_tokens(tmp_path, text):
    tokens = tokenizer(tmp_path).tokenize(Message({TEXT: text}), TEXT)
    assert tokens[0].text == "__savings__"
    assert (tokens[0].start, tokens[0].end) == (0, len(text) - len("提现没到账"))
    assert [t.text for t in tokens[1:]] == [t.text for t in tokenizer(tmp_path).tokenize(
        Message({TEXT: "提现没到账"}), TEXT)]


def test_offsets_around_a_name_stay_those_of_the_text(tmp_path):
    text = "给招行转5000块 用星花还款失败"
    tokens = tokenizer(tmp_path).tokenize(Message({TEXT: text}), TEXT)
    for token in tokens:
        if token.text != "__pay_later__":
            assert text[token.start:token.end] == token.text
    assert "__pay_later__" in [t.text for t in tokens]


def test_the_catalogue_travels_with_the_model(tmp_path):
    trained = tokenizer(tmp_path)
    trained.persist()
    config = {**DomainJiebaTokenizer.get_default_config(), "dictionary_path": str(ROOT / "data" / "dictionary"),
              "catalogue_path": "a/path/that/is/gone.yml"}
    loaded = DomainJiebaTokenizer.load(config, LocalModelStorage(tmp_path), Resource("tok"),
                                       ExecutionContext(graph_schema=None, model_id="1"))
    assert loaded.tokenize(Message({TEXT: "星借"}), TEXT)[0].text == "__loan__"
