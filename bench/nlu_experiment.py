"""Train the NLU of one or more configs and score each on every evaluation set.

Usage: python bench/nlu_experiment.py [--variants NAME ...] [config.yml ...]
A variant is config.yml with its intent classifier swapped (VARIANTS below), so
the comparison in README "NLU" can be run again as the data changes.
Prints, per config, one JSON line: training time; intent accuracy on the
held-out, dev, customers and fresh sets; routed right and plain accuracy on the
real development set (../shared/nlu/real_dev.tsv), overall and per source, as
the model answers (after its fallback) and as its classifier answers alone.
Trainings share the embedding cache (var/), so only the first one embeds.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.real_dev import REAL_DEV, load_agent, load_rows, parse, score  # noqa: E402
from bench.tune_fallback import holdout_examples  # noqa: E402

RASA = str(Path(sys.executable).with_name("rasa"))
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
       "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONHASHSEED": "0"}  # as bot/training.py
WRITTEN_SETS = ("holdout", "dev", "customers", "fresh")


LINEAR = "bot.rasa_ext.nlu.linear_intent_classifier.LinearIntentClassifier"
DENSE = "bot.rasa_ext.nlu.sentence_featurizer.SentenceEmbeddingFeaturizer"
FULL_CHARS = "bot.rasa_ext.nlu.char_ngram_featurizer.CharNgramFeaturizer"
TOKENIZER = "bot.rasa_ext.nlu.tokenizer.DomainJiebaTokenizer"
# Session 6's features and classifier (the pipeline before the sentence encoder).
SESSION6_FEATURES = [
    {"name": "RegexFeaturizer", "use_word_boundaries": False},
    {"name": "LexicalSyntacticFeaturizer"},
    {"name": "CountVectorsFeaturizer", "alias": "word_ngrams"},
    {"name": "CountVectorsFeaturizer", "alias": "char_ngrams", "analyzer": "char_wb",
     "min_ngram": 1, "max_ngram": 3, "min_df": 2},
]
DIET = {"name": "DIETClassifier", "epochs": 30, "constrain_similarities": True,
        "number_of_transformer_layers": 0, "entity_recognition": False, "random_seed": 7}
Pipeline = List[Dict]


def _steps(pipeline: Pipeline, *, sparse: Optional[Pipeline] = None, dense: bool = True,
           full_chars: bool = True, classifier: Optional[Dict] = None) -> Pipeline:
    """config.yml's pipeline with its features and classifier changed."""
    out: Pipeline = []
    for step in pipeline:
        if step["name"] == DENSE and not dense or step["name"] == FULL_CHARS and not full_chars:
            continue
        out.append(dict(classifier) if classifier and step["name"] == LINEAR else dict(step))
        if step["name"] == TOKENIZER:
            out += [dict(s) for s in sparse or []]
    return out


def _linear(**changes: object) -> Callable[[Pipeline], Pipeline]:
    return lambda p: [{**step, **changes} if step["name"] == LINEAR else step for step in p]


# name -> config.yml's pipeline changed
VARIANTS: Dict[str, Callable[[Pipeline], Pipeline]] = {
    "ours": lambda p: p,
    "ours_no_embedding": lambda p: _linear(dense_weight=0.0)(_steps(p, dense=False)),
    "ours_plus_word_ngrams": lambda p: _linear(featurizers=["full_chars", "word_ngrams"])(
        _steps(p, sparse=SESSION6_FEATURES[2:3])),
    "ours_session6_sparse_features": lambda p: _linear(featurizers=[])(
        _steps(p, sparse=SESSION6_FEATURES, full_chars=False)),
    "ours_balanced": _linear(class_weight="balanced"),
    "ours_C3": _linear(C=3),
    "ours_C30": _linear(C=30),
    "ours_dense_1.0": _linear(dense_weight=1.0),
    "ours_dense_1.5": _linear(dense_weight=1.5),
    "rasa_logistic_regression": lambda p: _steps(p, sparse=SESSION6_FEATURES, full_chars=False,
                                                 classifier={"name": "LogisticRegressionClassifier"}),
    "diet_with_embedding": lambda p: _steps(p, sparse=SESSION6_FEATURES, full_chars=False, classifier=DIET),
    "diet_session6": lambda p: _steps(p, sparse=SESSION6_FEATURES, full_chars=False, dense=False,
                                      classifier=DIET),
}


def variant_config(name: str, folder: Path) -> Path:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config["pipeline"] = VARIANTS[name](config["pipeline"])
    path = folder / f"{name}.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def train(config: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run([RASA, "train", "nlu", "-c", str(config), "--out", str(out), "--fixed-model-name", "nlu",
                    "--num-threads", "2"], cwd=ROOT, env=ENV, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def scores(model: Path) -> Dict[str, object]:
    result: Dict[str, object] = {}
    agent = load_agent(model)
    for name in WRITTEN_SETS:
        examples = holdout_examples(ROOT / "tests" / "nlu" / f"{name}.yml")
        final, _ = asyncio.run(parse(agent, [text for text, _ in examples]))
        result[f"{name}_accuracy"] = round(sum(g == want for g, (_, want) in zip(final, examples)) / len(examples), 4)
    if REAL_DEV.is_file():
        rows = load_rows()
        final, raw = asyncio.run(parse(agent, [r.text for r in rows]))
        for label, predicted in (("real_dev", final), ("real_dev_classifier_alone", [p.intent for p in raw])):
            found = score(rows, predicted)
            result[label] = {key.replace("source ", ""): [value["routed_right"], value["plain"]]
                             for key, value in found.items() if not key.startswith("label")}
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("configs", nargs="*", type=Path)
    parser.add_argument("--variants", nargs="*", default=[], choices=sorted(VARIANTS))
    args = parser.parse_args()
    configs_folder = Path(tempfile.mkdtemp())
    configs = [variant_config(name, configs_folder) for name in args.variants] + list(args.configs)
    for config in configs:
        with tempfile.TemporaryDirectory() as tmp:
            seconds = train(config, Path(tmp))
            line: Dict[str, object] = {"config": str(config), "train_s": round(seconds, 1)}
            line.update(scores(Path(tmp) / "nlu.tar.gz"))
            print(json.dumps(line, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
