"""Jieba tokenizer with our product dictionary and the deployment's product catalogue."""
from __future__ import annotations

import glob
import logging
import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

from bot.text.catalogue import Catalogue
from bot.text.simplify import to_simplified

logger = logging.getLogger(__name__)
CATALOGUE_FILE = "product_catalogue.yml"  # kept in the model beside the dictionaries


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True
)
class DomainJiebaTokenizer(JiebaTokenizer):
    """Rasa's JiebaTokenizer with four changes: entity spans stay on token edges,
    traditional characters read as simplified, and the company's products are words
    of their kind.

    - Whitespace tokens are dropped: jieba returns blanks as tokens
      ("138 1234 5678"), which carry no meaning and dilute the features.
    - ``hmm: false`` by default: jieba's HMM glues unknown neighbouring
      characters into invented words ("3500元到工行" -> "元到"), so an amount
      or a bank name ends in the middle of a token. Without it, unknown text
      falls apart into single characters, which the character n-gram
      featurizer covers anyway.
    - ``simplify: true`` by default: traditional characters are read as
      simplified (OpenCC, same offsets), so 帳號被鎖 and 账号被锁 give the same
      tokens. Measured on tests/nlu/holdout.yml, see README.
    - ``catalogue_path``: every name and alias of the deployment's app and products
      (data/support/products.yml), and the training data's placeholders ``{app}``,
      ``{savings}`` ..., become one token per kind (``__savings__``) with the
      original offsets, so the model learns what happened, not which product was
      named, and a new company's catalogue needs no new training data. The
      catalogue is kept in the model: a served model reads names as it was trained.
    """

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 catalogue: Optional[Catalogue] = None) -> None:
        super().__init__(config, model_storage, resource)
        self._catalogue = catalogue

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**JiebaTokenizer.get_default_config(), "hmm": False, "simplify": True,
                "catalogue_path": None}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "DomainJiebaTokenizer":
        if config["dictionary_path"] is not None:
            cls._load_custom_dictionary(config["dictionary_path"])
        path = config["catalogue_path"]
        return cls(config, model_storage, resource, Catalogue.load(Path(path)) if path else None)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "DomainJiebaTokenizer":
        catalogue = None
        try:
            with model_storage.read_from(resource) as directory:
                cls._load_custom_dictionary(str(directory))
                if (directory / CATALOGUE_FILE).is_file():
                    catalogue = Catalogue.load(directory / CATALOGUE_FILE)
        except ValueError:
            logger.debug("%s: nothing stored in the model for %s", cls.__name__, resource.name)
        return cls(config, model_storage, resource, catalogue)

    @staticmethod
    def _load_custom_dictionary(path: Text) -> None:
        """Jieba user dictionaries: every file in ``path`` but the catalogue."""
        import jieba

        for name in sorted(glob.glob(f"{path}/*")):
            if Path(name).is_file() and Path(name).name != CATALOGUE_FILE:
                jieba.load_userdict(name)

    def persist(self) -> None:
        super().persist()
        path = self._config["catalogue_path"]
        if path:
            with self._model_storage.write_to(self._resource) as directory:
                shutil.copy2(path, Path(directory) / CATALOGUE_FILE)

    def _words(self, text: str, offset: int) -> List[Token]:
        import jieba

        return [Token(word, offset + start)
                for word, start, _ in jieba.tokenize(text, HMM=self._config["hmm"])]

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute)
        if self._config["simplify"]:
            text = to_simplified(text)
        tokens: List[Token] = []
        position = 0
        for mention in self._catalogue.mentions(text) if self._catalogue else []:
            tokens += self._words(text[position:mention.start], position)
            tokens.append(Token(mention.token, mention.start, mention.end))
            position = mention.end
        tokens += self._words(text[position:], position)
        meaningful = [token for token in tokens if token.text.strip()]
        # A message of only blanks keeps its tokens: featurizers need one.
        return self._apply_token_pattern(meaningful or tokens)
