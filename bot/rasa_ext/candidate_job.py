"""The training process of a console candidate: ``python -m bot.rasa_ext.candidate_job``.

Started by `bot.teaching.candidate` (never inside the console's process), with the
command line of `bot.rasa_ext.train_job` and the same output: progress lines the
console reads, then the figures (only counts) as JSON. What differs is the cost:

- the model is trained in this process (Rasa's own `model_training.train`, with
  the arguments `rasa train` passes; Rasa's data validation is left to CI: the
  project's data is validated there and the approved examples by the export), so
  TensorFlow, Rasa and the sentence encoder are loaded once for the training and
  the evaluation;
- the evaluation runs the NLU graph only, in batches (`bot.rasa_ext.nlu_batch`),
  the intents a server would give;
- the evaluation sentences are embedded through their own cache
  (``--embedding-cache``, var/evaluation_embeddings.sqlite3, never the training
  cache): the active model and the candidate read the same sentences, and the
  next candidate reads them again.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot.rasa_ext.train_job import Reader, arguments, evaluate, expected_components, run_job, say
from bot.teaching.evaluation import Example

EVALUATION_CACHE = Path("var/evaluation_embeddings.sqlite3")
TRAINING_LOGGER = "rasa.engine.training.hooks"  # "Finished training component ..." / "Restored component ..."
# What `rasa train` passes when not told otherwise (bot.training.train_command: --num-threads 2).
CORE_ARGUMENTS = {"augmentation_factor": 50, "debug_plots": False}
NLU_ARGUMENTS = {"num_threads": 2}


class TrainingProgress(logging.Handler):
    """One ``@progress train`` line per component trained or restored from Rasa's cache."""

    def __init__(self, total: int) -> None:
        super().__init__(logging.INFO)
        self.total = total
        self.done = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith(("Finished training component", "Restored component")):
            self.done = min(self.done + 1, self.total)
            say("progress", "train", self.done, self.total)


def train(root: Path, data: Path, out: Path, name: str) -> Path:
    from rasa.model_training import train as rasa_train

    say("stage", "train")
    progress = TrainingProgress(expected_components(root))
    hooks = logging.getLogger(TRAINING_LOGGER)
    level = hooks.level
    hooks.addHandler(progress)
    hooks.setLevel(logging.INFO)
    try:
        result = rasa_train(domain=str(root / "domain.yml"), config=str(root / "config.yml"),
                            training_files=[str(data)], output=str(out), fixed_model_name=name,
                            core_additional_arguments=dict(CORE_ARGUMENTS),
                            nlu_additional_arguments=dict(NLU_ARGUMENTS))
    finally:
        hooks.removeHandler(progress)
        hooks.setLevel(level)
    model = out / f"{name}.tar.gz"
    if result.code != 0 or not model.is_file():
        raise RuntimeError(f"training failed (code {result.code})")
    return model


def batch_reader(model: Path) -> Reader:
    from bot.rasa_ext.nlu_batch import NluBatchParser

    return NluBatchParser.load(model).intents


def evaluate_in_batches(args: argparse.Namespace, models: Dict[str, Path],
                        sets: Dict[str, List[Example]]) -> Dict[str, Any]:
    """`evaluate` with the batched NLU reader, the evaluation sentences embedded once
    through their own cache."""
    from bot.rasa_ext.nlu.sentence_featurizer import SentenceEmbeddingFeaturizer
    from bot.semantics.cache import EmbeddingCache

    cache = EmbeddingCache(args.embedding_cache or args.root / EVALUATION_CACHE)
    SentenceEmbeddingFeaturizer.cache_parsed_embeddings(cache)
    try:
        return asyncio.run(evaluate(models, sets, args.out, batch_reader))
    finally:
        SentenceEmbeddingFeaturizer.cache_parsed_embeddings(None)
        cache.close()


def main(argv: Optional[List[str]] = None) -> int:
    parser = arguments(__doc__)
    parser.add_argument("--embedding-cache", type=Path,
                        help=f"the evaluation sentences' embeddings (default: <root>/{EVALUATION_CACHE})")
    return run_job(parser.parse_args(argv), train, evaluate_in_batches)


if __name__ == "__main__":
    sys.exit(main())
