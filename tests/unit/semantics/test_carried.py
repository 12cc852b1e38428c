"""The embedding the NLU carries to the action server survives the trip, and nothing else
passes for one."""
import numpy as np
import pytest

from bot.semantics.carried import pack, unpack


def test_a_vector_survives_packing_to_three_digits():
    vector = np.random.default_rng(7).normal(size=384).astype(np.float32)
    vector /= np.linalg.norm(vector)
    back = unpack(pack(vector), 384)
    assert back is not None and back.dtype == np.float32
    assert np.allclose(back, vector, atol=1e-3)
    assert len(pack(vector)) == 1024  # 1 KB in the parse data


@pytest.mark.parametrize("value", [
    pytest.param(None, id="absent"),
    pytest.param("", id="empty"),
    pytest.param(123, id="not-text"),
    pytest.param("不是base64!", id="not-base64"),
    pytest.param(pack(np.ones(10, dtype=np.float32)), id="other-dimension"),
    pytest.param(pack(np.full(384, np.inf, dtype=np.float32)), id="not-finite"),
])
def test_anything_else_is_no_vector(value):
    assert unpack(value, 384) is None
