"""The training process measures each model on each set once: cached figures (counts and
digests, no sentence) are reused while the set is unchanged."""
import asyncio
import json

from bot.rasa_ext import train_job
from bot.teaching.evaluation import Example

HOLDOUT = [Example("billing_issue", "月月少九块九"), Example("greet", "你好")]
APPROVED = [Example("billing_issue", "每月自动少三十")]


class FakeAgent:
    async def parse_message(self, text):
        return {"intent": {"name": "billing_issue" if "少" in text else "greet"}}


def test_figures_are_measured_once_per_model_and_set(tmp_path, monkeypatch, capsys):
    loaded = []
    monkeypatch.setattr(train_job, "load_agent", lambda model: loaded.append(model.name) or FakeAgent())
    models = {"active": tmp_path / "active.tar.gz", "candidate": tmp_path / "candidate.tar.gz"}
    first = asyncio.run(train_job.evaluate(models, {"holdout": HOLDOUT}, tmp_path))
    assert first["active"]["holdout"] == {"n": 2, "right": 2, "per_intent": {"billing_issue": [1, 1], "greet": [1, 1]},
                                          "confusions": {}}
    assert loaded == ["active.tar.gz", "candidate.tar.gz"]
    stored = (tmp_path / "active.tar.gz.figures.json").read_text(encoding="utf-8")
    assert "月月" not in stored and json.loads(stored)["holdout"]["figures"] == first["active"]["holdout"]

    loaded.clear()
    again = asyncio.run(train_job.evaluate({"active": models["active"]}, {"holdout": HOLDOUT}, tmp_path))
    assert loaded == [] and again["active"] == first["active"]  # nothing to parse: no model loaded
    asyncio.run(train_job.evaluate({"active": models["active"]}, {"holdout": HOLDOUT, "approved": APPROVED}, tmp_path))
    assert loaded == ["active.tar.gz"]  # only the new set is parsed
    assert "@progress evaluate 1 1" in capsys.readouterr().out
