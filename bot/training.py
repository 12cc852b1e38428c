"""Train the Rasa model only when what it is trained from has changed.

`rasa train --dry-run` says "needs to be retrained" right after a training in
a fresh clone (some of our graph nodes are never found in Rasa's cache), so
`make test` trained twice in CI and on every run. Here the inputs of a
training are hashed and the hash is kept beside the model it produced.

Trainings run with ``PYTHONHASHSEED=0`` (`training_environment`). With Python's
per-process string hashing, two trainings of the same data differed by a few
predictions in ten (set orders inside the featurizers differ, so DIET starts
from other weights despite its ``random_seed``); with the seed fixed, two
trainings agree on 675 of 676 evaluation messages, so CI tests the model that
was measured here.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Iterable, List, Optional, Sequence

from bot.processes import training_environment

# What `rasa train` reads, plus our code that runs inside the trained pipeline.
# data/faq and data/support are read at run time, not trained on.
INPUTS = ("config.yml", "domain.yml", "data/nlu", "data/rules", "data/stories",
          "data/dictionary", "data/support/products.yml", "bot/rasa_ext/nlu", "bot/text", "bot/semantics",
          "constraints.txt")
SUFFIX = ".inputs"


def _files(root: Path, names: Iterable[str]) -> List[Path]:
    found: List[Path] = []
    for name in names:
        path = root / name
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        elif path.is_file():
            found.append(path)
    return found


def inputs_fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for path in _files(root, INPUTS):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def fresh_model(root: Path) -> Optional[Path]:
    """The newest model trained from exactly the current inputs, if any."""
    wanted = inputs_fingerprint(root)
    models = sorted((root / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for model in models:
        stamp = model.with_name(model.name + SUFFIX)
        if stamp.is_file() and stamp.read_text().strip() == wanted:
            return model
    return None


def train_command(rasa: Optional[str] = None, data: Sequence[Path] = (), out: Optional[Path] = None,
                  name: Optional[str] = None) -> List[str]:
    """`rasa train` as `ensure_model` and the console's candidates (bot.rasa_ext.train_job) run it,
    from the project directory with `training_environment`."""
    command = [rasa or str(Path(sys.executable).with_name("rasa")), "train", "--num-threads", "2"]
    if data:
        command += ["--data", *(str(path) for path in data)]
    if out is not None:
        command += ["--out", str(out)]
    if name:
        command += ["--fixed-model-name", name]
    return command


def ensure_model(root: Path, rasa: Optional[str] = None) -> Path:
    """A model for the current inputs: the existing one, or a new training."""
    found = fresh_model(root)
    if found is not None:
        return found
    fingerprint = inputs_fingerprint(root)
    before = set((root / "models").glob("*.tar.gz"))
    result = subprocess.run(train_command(rasa), cwd=root, env=training_environment())
    new = sorted(set((root / "models").glob("*.tar.gz")) - before, key=lambda p: p.stat().st_mtime)
    if result.returncode != 0 or not new:
        raise RuntimeError(f"rasa train failed (exit code {result.returncode})")
    model = new[-1]
    model.with_name(model.name + SUFFIX).write_text(fingerprint)
    return model
