"""A candidate's training process the plain way: ``python -m bot.rasa_ext.train_job``.

Trains with `rasa train` as `bot.training` does (same command, same environment),
then measures the active model and the candidate on each evaluation set
(`bot.teaching.evaluation`) with Rasa's Agent, one message at a time, and writes
the figures, only counts, as JSON. The console runs `bot.rasa_ext.candidate_job`
(the same in one process, NLU only, in batches), which shares this module's
command line, sets, figure cache and evaluation loop; this one stays as the
reference it is measured against (bench/teaching_loop.py). Progress goes to stdout
as lines the console reads (`bot.teaching.candidate.read_progress`)::

    @stage train
    @progress train 3 14
    @stage evaluate
    @progress evaluate 120 900
    @error <why>
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence

import yaml

from bot.processes import training_environment
from bot.teaching.evaluation import RULES, Example, figures, real_dev_examples
from bot.training import train_command

FINISHED_COMPONENT = "Finished training component"
# A loaded model's intents for some texts, calling ``step`` after each.
Reader = Callable[[Sequence[str], Callable[[], None]], Awaitable[List[str]]]


def nlu_examples(path: Path) -> List[Example]:
    """The intent examples of a Rasa NLU file (entity markup removed by Rasa's reader)."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    data = RasaYAMLReader().read(str(path))
    return [Example(str(m.get("intent")), str(m.get("text"))) for m in data.intent_examples]



def load_agent(model: Path) -> Any:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # otherwise every parse is printed
    return Agent.load(str(model))


async def intents_of(agent: Any, texts: Sequence[str], step: Callable[[], None]) -> List[str]:
    """The model's intent (after its fallback) of each text; ``step`` after each."""
    found = []
    for text in texts:
        parsed = await agent.parse_message(text)
        found.append(str(parsed["intent"]["name"]))
        step()
    return found


def say(*words: object) -> None:
    print("@" + " ".join(str(w) for w in words), flush=True)


def expected_components(root: Path) -> int:
    """About how many "Finished training component" lines a training prints: one per NLU
    component (a retraining with new examples took the policies from Rasa's cache:
    9 lines for 10 components and 2 policies)."""
    config = yaml.safe_load((root / "config.yml").read_text(encoding="utf-8")) or {}
    return max(len(config.get("pipeline") or []), 1)


def train(root: Path, data: Path, out: Path, name: str) -> Path:
    total = expected_components(root)
    done = 0
    say("stage", "train")
    process = subprocess.Popen(train_command(data=[data], out=out, name=name), cwd=root, env=training_environment(),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    assert process.stdout is not None
    tail: List[str] = []
    for line in process.stdout:
        tail = (tail + [line.rstrip()])[-5:]
        if FINISHED_COMPONENT in line:
            done = min(done + 1, total)
            say("progress", "train", done, total)
    if process.wait() != 0 or not (out / f"{name}.tar.gz").is_file():
        raise RuntimeError(f"rasa train failed (exit code {process.returncode}): {' | '.join(tail)}")
    return out / f"{name}.tar.gz"


def evaluation_sets(root: Path, holdout: Path, real_dev: Optional[Path], approved: Optional[Path]
                    ) -> Dict[str, List[Example]]:
    sets: Dict[str, List[Example]] = {}
    if holdout.is_file():
        sets["holdout"] = nlu_examples(holdout)
    if real_dev is not None and real_dev.is_file():
        sets["real_dev"] = real_dev_examples(real_dev)
    if approved is not None and approved.is_file():
        sets["approved"] = nlu_examples(approved)
    return sets


def set_digest(examples: List[Example]) -> str:
    return hashlib.sha256("\n".join(f"{e.intent}\t{e.text}" for e in examples).encode("utf-8")).hexdigest()


class FigureCache:
    """A model's figures per set, beside the candidates (``<model>.figures.json``: digests
    and counts, no sentence): the active model is measured on the held-out and real
    development sets once, not at every candidate."""

    def __init__(self, folder: Path, model: Path) -> None:
        self.path = folder / f"{model.name}.figures.json"
        try:
            self.known: Dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.known = {}

    def get(self, name: str, digest: str) -> Optional[Dict[str, Any]]:
        entry = self.known.get(name) or {}
        return entry.get("figures") if entry.get("digest") == digest else None

    def put(self, name: str, digest: str, found: Dict[str, Any]) -> None:
        self.known[name] = {"digest": digest, "figures": found}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.known, ensure_ascii=False), encoding="utf-8")


def agent_reader(model: Path) -> Reader:
    """Rasa's Agent, one message at a time (as `rasa test nlu` and the REST channel parse)."""
    agent = load_agent(model)
    return lambda texts, step: intents_of(agent, texts, step)


async def evaluate(models: Dict[str, Path], sets: Dict[str, List[Example]], cache_dir: Path,
                   reader: Callable[[Path], Reader] = agent_reader) -> Dict[str, Dict[str, Any]]:
    """Figures per model ("active", "candidate") and set; one model in memory at a time."""
    say("stage", "evaluate")
    digests = {name: set_digest(examples) for name, examples in sets.items()}
    caches = {role: FigureCache(cache_dir, model) for role, model in models.items()}
    todo = {role: [name for name in sets if caches[role].get(name, digests[name]) is None] for role in models}
    total = sum(len(sets[name]) for names in todo.values() for name in names)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if done % 20 == 0 or done == total:
            say("progress", "evaluate", done, total)

    found: Dict[str, Dict[str, Any]] = {}
    for role, model in models.items():
        found[role] = {name: caches[role].get(name, digests[name]) for name in sets if name not in todo[role]}
        if not todo[role]:
            continue
        read = reader(model)
        for name in todo[role]:
            given = await read([e.text for e in sets[name]], step)
            found[role][name] = figures(sets[name], given, RULES[name])
            caches[role].put(name, digests[name], found[role][name])
        del read
    return found


def arguments(description: Optional[str]) -> argparse.ArgumentParser:
    """The command line of a candidate's training process (this one and bot.rasa_ext.candidate_job)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--root", type=Path, required=True, help="the project (config.yml, domain.yml)")
    parser.add_argument("--data", type=Path, required=True, help="the training data folder")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--name", required=True, help="the model's file name, without .tar.gz")
    parser.add_argument("--active", type=Path, help="the active model, to compare with")
    parser.add_argument("--holdout", type=Path, required=True)
    parser.add_argument("--real-dev", type=Path)
    parser.add_argument("--approved", type=Path)
    parser.add_argument("--report", type=Path, required=True)
    return parser


Trainer = Callable[[Path, Path, Path, str], Path]  # (root, data, out, name) -> the model
Evaluator = Callable[[argparse.Namespace, Dict[str, Path], Dict[str, List[Example]]], Dict[str, Any]]


def run_job(args: argparse.Namespace, trainer: Trainer, evaluator: Evaluator) -> int:
    """Train the candidate, evaluate it beside the active model, write the report; what
    fails is said as an ``@error`` line (the console marks the training failed)."""
    try:
        candidate = trainer(args.root, args.data, args.out, args.name)
        models = {"candidate": candidate}
        if args.active is not None and args.active.is_file():
            models = {"active": args.active, **models}
        sets = evaluation_sets(args.root, args.holdout, args.real_dev, args.approved)
        result = evaluator(args, models, sets)
    except Exception as error:  # noqa: BLE001 - reported to the console, which marks the training failed
        say("error", str(error).replace("\n", " ")[:500])
        return 1
    args.report.write_text(json.dumps({**result, "model": candidate.name}, ensure_ascii=False), encoding="utf-8")
    say("done")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    return run_job(arguments(__doc__).parse_args(argv), train,
                   lambda args, models, sets: asyncio.run(evaluate(models, sets, args.out)))


if __name__ == "__main__":
    sys.exit(main())
