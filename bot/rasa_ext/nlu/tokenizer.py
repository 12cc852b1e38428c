"""Jieba tokenizer that loads our product dictionary, without HMM word guessing."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

from bot.text.simplify import to_simplified


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True
)
class DomainJiebaTokenizer(JiebaTokenizer):
    """Rasa's JiebaTokenizer with three changes: entity spans stay on token edges and
    traditional characters read as simplified.

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
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**JiebaTokenizer.get_default_config(), "hmm": False, "simplify": True}

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        import jieba

        text = message.get(attribute)
        if self._config["simplify"]:
            text = to_simplified(text)
        tokens = [
            Token(word, start)
            for word, start, _ in jieba.tokenize(text, HMM=self._config["hmm"])
        ]
        meaningful = [token for token in tokens if token.text.strip()]
        # A message of only blanks keeps its tokens: featurizers need one.
        return self._apply_token_pattern(meaningful or tokens)
