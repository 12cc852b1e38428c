"""Training only when the inputs changed (bot/training.py), with a stand-in `rasa`."""
import stat
from pathlib import Path

import pytest

from bot.training import ensure_model, fresh_model, inputs_fingerprint

FAKE_RASA = """#!/bin/sh
# counts its calls and writes a model, as `rasa train` would
echo x >> calls
echo "$PYTHONHASHSEED" > hash_seed
mkdir -p models
touch "models/$(date +%s%N)-model.tar.gz"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "data" / "faq").mkdir()
    (tmp_path / "config.yml").write_text("pipeline: []\n")
    (tmp_path / "domain.yml").write_text("intents: [greet]\n")
    (tmp_path / "data" / "nlu" / "nlu.yml").write_text("nlu: []\n")
    (tmp_path / "data" / "faq" / "faq.yml").write_text("entries: []\n")
    rasa = tmp_path / "rasa"
    rasa.write_text(FAKE_RASA)
    rasa.chmod(rasa.stat().st_mode | stat.S_IEXEC)
    return tmp_path


def calls(project: Path) -> int:
    path = project / "calls"
    return len(path.read_text().split()) if path.exists() else 0


def test_trains_once_then_reuses_the_model(project):
    first = ensure_model(project, str(project / "rasa"))
    second = ensure_model(project, str(project / "rasa"))
    assert first == second == fresh_model(project)
    assert calls(project) == 1


def test_training_runs_with_string_hashing_fixed(project, monkeypatch):
    # Python's per-process hash seed made two trainings of the same data disagree.
    monkeypatch.setenv("PYTHONHASHSEED", "random")
    ensure_model(project, str(project / "rasa"))
    assert (project / "hash_seed").read_text().strip() == "0"


def test_a_training_data_change_trains_again(project):
    first = ensure_model(project, str(project / "rasa"))
    (project / "data" / "nlu" / "nlu.yml").write_text("nlu: [changed]\n")
    assert fresh_model(project) is None
    assert ensure_model(project, str(project / "rasa")) != first
    assert calls(project) == 2


def test_faq_edits_need_no_training(project):
    before = inputs_fingerprint(project)
    (project / "data" / "faq" / "faq.yml").write_text("entries: [new]\n")
    assert inputs_fingerprint(project) == before


def test_a_failed_training_raises(project):
    (project / "rasa").write_text("#!/bin/sh\nexit 3\n")
    with pytest.raises(RuntimeError, match="exit code 3"):
        ensure_model(project, str(project / "rasa"))
