"""The embedding cache: a retraining embeds only what it has not seen, and keeps no text."""
import numpy as np

from bot.semantics import EmbeddingCache, SentenceEncoder


class CountingModel:
    """Stands in for the engine to count what is embedded (the real one is tested in test_encoder)."""
    dim = 4
    variant = "original"

    def __init__(self):
        self.embedded = []

    def query(self, texts):
        single = isinstance(texts, str)
        items = [texts] if single else list(texts)
        self.embedded += items
        rows = np.array([[len(t), t.count("码"), 1.0, 0.0] for t in items], dtype=np.float32)
        return rows[0] if single else rows


def test_a_second_training_embeds_only_new_texts(tmp_path):
    model = CountingModel()
    first = SentenceEncoder(model=model, cache=EmbeddingCache(tmp_path / "cache.sqlite3"))
    vectors = first.encode(["验证码收不到", "转账失败", "验证码收不到"])
    assert sorted(model.embedded) == ["转账失败", "验证码收不到"]
    assert np.array_equal(vectors[0], vectors[2])

    model.embedded.clear()
    reopened = SentenceEncoder(model=model, cache=EmbeddingCache(tmp_path / "cache.sqlite3"))
    again = reopened.encode(["转账失败", "验证码收不到", "账户被冻结"])
    assert model.embedded == ["账户被冻结"]
    assert np.array_equal(again[1], vectors[0])


def test_the_cache_file_holds_no_text(tmp_path):
    path = tmp_path / "cache.sqlite3"
    SentenceEncoder(model=CountingModel(), cache=EmbeddingCache(path)).encode(["手机号13812345678收不到验证码"])
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"13812345678" not in raw and "验证码".encode() not in raw


def test_without_a_cache_nothing_is_stored(tmp_path):
    model = CountingModel()
    encoder = SentenceEncoder(model=model)
    encoder.encode(["你好"])
    encoder.encode(["你好"])
    assert model.embedded == ["你好", "你好"]
    assert list(tmp_path.iterdir()) == []


def test_blank_texts_and_empty_batches():
    encoder = SentenceEncoder(model=CountingModel())
    assert encoder.encode([]).shape == (0, 4)
    assert encoder.encode(["  "]).shape == (1, 4)


def test_a_long_message_is_read_by_its_opening_and_its_end():
    model = CountingModel()
    pasted = "你好" + "我的转账失败了" * 3000 + "怎么办"
    SentenceEncoder(model=model).encode([pasted, "短消息"])
    assert sorted(len(t) for t in model.embedded) == [3, 129]
    long_one = max(model.embedded, key=len)
    assert long_one.startswith("你好我的转账") and long_one.endswith("失败了怎么办")
