"""Training a candidate model from the console: its data, its process, its progress.

A candidate is trained from the project's training data (data/nlu, data/rules,
data/stories) plus the examples staff approved in the console (`approved_examples`:
the intent corrections and the examples approved in the misunderstood inbox, passed
through the NLU export's checks). Both are written into a
temporary folder; the training and the evaluation run in a background process
(`bot.rasa_ext.candidate_job`, with `bot.processes.training_environment`), never in
the console's event loop; one at a time.
Its output lines move the progress (准备数据 / 训练 / 评估); at the end the figures
and the gate's verdict go into the registry.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import shutil
import sys
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot.processes import training_environment
from bot.settings import Settings
from bot.storage.corrections import CorrectionStore
from bot.storage.inbox import InboxStore
from bot.storage.models_registry import ModelEntry, ModelRegistry, RegistryRefused
from bot.teaching.active_model import active_model
from bot.teaching.evaluation import HOLDOUT
from bot.teaching.gate import report_of
from bot.teaching.nlu_export import NluExport, unreviewed_training_file

logger = logging.getLogger(__name__)

TRAINING_DATA = ("data/nlu", "data/rules", "data/stories")
APPROVED_FILE = "nlu/console_approved.yml"
# What else a training reads (bot/training.py's INPUTS without the data): part of the data version.
TRAINING_CONFIG = ("config.yml", "domain.yml", "data/dictionary", "data/support/products.yml")
# Each stage's share of the bar, in percent: (from, to).
STAGES: Dict[str, tuple] = {"prepare": (0, 5), "train": (5, 80), "evaluate": (80, 99)}
JOB_MODULE = "bot.rasa_ext.candidate_job"  # started by name: the console never imports Rasa


@dataclass(frozen=True)
class Progress:
    """Where the current (or last) training is; ``stage`` prepare / train / evaluate / done / failed."""

    stage: str = "idle"
    percent: int = 0
    model_id: Optional[int] = None

    @property
    def running(self) -> bool:
        return self.stage in STAGES


def read_progress(line: str, current: Progress) -> Progress:
    """The progress after one output line of the training process (others change nothing)."""
    words = line.strip().split()
    if not words or not words[0].startswith("@"):
        return current
    kind = words[0][1:]
    if kind == "stage" and len(words) == 2 and words[1] in STAGES:
        return replace(current, stage=words[1], percent=max(current.percent, STAGES[words[1]][0]))
    if kind == "progress" and len(words) == 4 and words[1] in STAGES:
        try:
            done, total = int(words[2]), int(words[3])
        except ValueError:
            return current
        low, high = STAGES[words[1]]
        share = min(done / total, 1.0) if total > 0 else 0.0
        return replace(current, stage=words[1], percent=max(current.percent, int(low + (high - low) * share)))
    return current


@dataclass(frozen=True)
class TrainingData:
    folder: Path  # data/ of the candidate (nlu, rules, stories)
    approved_file: Optional[Path]  # inside it; None without approved examples
    approved_count: int
    version: str  # sha256 of what the training reads


def approved_examples(settings: Settings, corrections: CorrectionStore,
                      inbox: Optional[InboxStore] = None) -> NluExport:
    """Every example staff approved in the console (corrections, the inbox), as one NLU file (blocking)."""
    from bot.teaching.exporter import export_corrections

    return export_corrections(settings, corrections, None, datetime.now(timezone.utc), inbox).nlu


def data_version(project_dir: Path, folder: Path) -> str:
    digest = hashlib.sha256()
    files = [(p, str(p.relative_to(project_dir))) for name in TRAINING_CONFIG for p in _files(project_dir / name)]
    files += [(p, "data/" + str(p.relative_to(folder))) for p in _files(folder)]
    for path, label in files:
        digest.update(label.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _files(path: Path) -> List[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else []


def write_training_data(project_dir: Path, approved: NluExport, target: Path) -> TrainingData:
    """The project's training data and the approved examples in ``target``/data (blocking)."""
    folder = target / "data"
    for name in TRAINING_DATA:
        shutil.copytree(project_dir / name, folder / Path(name).name)
    approved_file = None
    if approved.count:
        approved_file = folder / APPROVED_FILE
        approved_file.write_text(unreviewed_training_file(approved), encoding="utf-8")
    return TrainingData(folder, approved_file, approved.count, data_version(project_dir, folder))


def job_command(settings: Settings, data: TrainingData, name: str, active: Optional[Path], report: Path,
                module: str = JOB_MODULE) -> List[str]:
    """The training process's command; ``module``: bot.rasa_ext.train_job for the plain way (benchmarks)."""
    command = [sys.executable, "-m", module, "--root", str(settings.project_dir),
               "--data", str(data.folder), "--out", str(settings.candidates_dir), "--name", name,
               "--holdout", str(settings.project_dir / HOLDOUT), "--report", str(report)]
    if module == JOB_MODULE:
        command += ["--embedding-cache", str(settings.evaluation_cache_file)]
    if active is not None:
        command += ["--active", str(active)]
    if settings.real_dev_file.is_file():
        command += ["--real-dev", str(settings.real_dev_file)]
    if data.approved_file is not None:
        command += ["--approved", str(data.approved_file)]
    return command


class CandidateTrainer:
    """One training at a time for the console (``app.ctx``): `start` returns at once,
    the work goes on in a task; `progress` says how far it is."""

    def __init__(self, settings: Settings, registry: ModelRegistry, corrections: CorrectionStore,
                 inbox: Optional[InboxStore] = None) -> None:
        self.settings = settings
        self.registry = registry
        self.corrections = corrections
        self.inbox = inbox
        self.progress = Progress()
        self._task: Optional["asyncio.Task[None]"] = None
        self._compared_with: Optional[int] = None

    async def start(self, by: str) -> ModelEntry:
        """`RegistryRefused("busy")` while a training runs."""
        if self.progress.running:
            raise RegistryRefused("busy")
        self.progress = Progress("prepare", 0)
        workdir = Path(tempfile.mkdtemp(prefix="candidate-"))
        try:
            data, entry, active = await asyncio.to_thread(self._prepare, by, workdir)
        except BaseException:
            self.progress = Progress()
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        self.progress = Progress("prepare", STAGES["prepare"][1], entry.id)
        self._task = asyncio.create_task(self._run(entry, data, active, workdir))
        return entry

    def _prepare(self, by: str, workdir: Path) -> tuple:
        approved = approved_examples(self.settings, self.corrections, self.inbox)
        data = write_training_data(self.settings.project_dir, approved, workdir)
        entry = self.registry.start(by, data.version, data.approved_count)
        current = self.registry.active()
        self._compared_with = current.id if current is not None else None  # None: the project's own model
        return data, entry, active_model(self.settings, self.registry)

    async def _run(self, entry: ModelEntry, data: TrainingData, active: Optional[Path], workdir: Path) -> None:
        name = f"console-{entry.id}-{entry.started_at:%Y%m%d-%H%M%S}"
        report = workdir / "report.json"
        self.settings.candidates_dir.mkdir(parents=True, exist_ok=True)
        error = "the training process did not finish"
        try:
            process = await asyncio.create_subprocess_exec(
                *job_command(self.settings, data, name, active, report), cwd=str(self.settings.project_dir),
                env=training_environment(),
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
            assert process.stdout is not None
            async for raw in process.stdout:
                line = raw.decode("utf-8", "replace")
                self.progress = read_progress(line, self.progress)
                if line.startswith("@error"):
                    error = line[len("@error"):].strip()
                logger.debug("candidate %s: %s", entry.id, line.rstrip())
            if await process.wait() == 0 and report.is_file():
                await asyncio.to_thread(self._finish, entry, report, active)
                self.progress = Progress("done", 100, entry.id)
                return
        except Exception as failure:  # noqa: BLE001 - the training is marked failed, the console goes on
            error = str(failure)
        logger.error("candidate %s failed: %s", entry.id, error)
        self.progress = Progress("failed", self.progress.percent, entry.id)
        await asyncio.to_thread(self.registry.fail, entry.id, error)
        shutil.rmtree(workdir, ignore_errors=True)

    def _finish(self, entry: ModelEntry, report: Path, active: Optional[Path]) -> None:
        measured: Dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
        figures = {"candidate": measured.get("candidate") or {}, "active": measured.get("active") or {},
                   "active_model": self._compared_with,
                   "tolerance": {"overall": self.settings.gate_tolerance_points / 100,
                                 "intent": self.settings.gate_intent_tolerance_points / 100}}
        gate = report_of(figures)
        self.registry.finish(entry.id, str(measured["model"]), figures, bool(gate and gate.passed))
        shutil.rmtree(report.parent, ignore_errors=True)
