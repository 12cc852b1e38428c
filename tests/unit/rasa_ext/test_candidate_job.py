"""The console's candidate process: progress lines from Rasa's training log, the report,
the evaluation sentences' embedding cache (only while it evaluates)."""
import json
import logging

from bot.rasa_ext import candidate_job, train_job
from bot.rasa_ext.nlu.sentence_featurizer import SentenceEmbeddingFeaturizer
from bot.teaching.evaluation import Example


def test_each_component_trained_or_restored_moves_the_progress(capsys):
    progress = candidate_job.TrainingProgress(total=2)
    hooks = logging.getLogger(candidate_job.TRAINING_LOGGER)
    hooks.addHandler(progress)
    hooks.setLevel(logging.INFO)
    try:
        hooks.info("Finished training component 'DomainJiebaTokenizer'.")
        hooks.info("Starting to train component 'CharNgramFeaturizer'.")
        hooks.info("Restored component 'CharNgramFeaturizer' from cache.")
        hooks.info("Finished training component 'LinearIntentClassifier'.")
    finally:
        hooks.removeHandler(progress)
        hooks.setLevel(logging.NOTSET)
    assert capsys.readouterr().out.splitlines() == [
        "@progress train 1 2", "@progress train 2 2", "@progress train 2 2"]


def arguments(tmp_path, *extra):
    holdout = tmp_path / "holdout.yml"
    holdout.write_text("", encoding="utf-8")
    return ["--root", str(tmp_path), "--data", str(tmp_path / "data"), "--out", str(tmp_path / "out"),
            "--name", "console-1", "--holdout", str(holdout), "--report", str(tmp_path / "report.json"), *extra]


def test_it_trains_evaluates_and_writes_the_counts(tmp_path, monkeypatch, capsys):
    seen = {}

    def train(root, data, out, name):
        out.mkdir()
        model = out / f"{name}.tar.gz"
        model.write_bytes(b"model")
        return model

    def reader(model):
        seen["cache"] = SentenceEmbeddingFeaturizer._serving_cache

        async def intents(texts, step):
            for _ in texts:
                step()
            return ["greet" for _ in texts]
        return intents

    monkeypatch.setattr(candidate_job, "train", train)
    monkeypatch.setattr(candidate_job, "batch_reader", reader)
    monkeypatch.setattr(train_job, "evaluation_sets",  # run by train_job.run_job
                        lambda *args: {"holdout": [Example("greet", "你好"), Example("bye", "再见")]})
    cache = tmp_path / "var" / "evaluation.sqlite3"
    assert candidate_job.main(arguments(tmp_path, "--embedding-cache", str(cache))) == 0
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["model"] == "console-1.tar.gz"
    assert report["candidate"]["holdout"]["n"] == 2 and report["candidate"]["holdout"]["right"] == 1
    assert seen["cache"] is not None and seen["cache"].path == cache and cache.is_file()
    assert SentenceEmbeddingFeaturizer._serving_cache is None  # only while it evaluates
    out = capsys.readouterr().out
    assert "@stage evaluate" in out and out.rstrip().endswith("@done")


def test_a_failed_training_is_reported_to_the_console(tmp_path, monkeypatch, capsys):
    def train(root, data, out, name):
        raise RuntimeError("training failed (code 1)\nmore")

    monkeypatch.setattr(candidate_job, "train", train)
    assert candidate_job.main(arguments(tmp_path)) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "@error training failed (code 1) more"
    assert not (tmp_path / "report.json").exists()
