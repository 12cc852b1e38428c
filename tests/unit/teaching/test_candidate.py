"""A candidate's data (the project's plus the approved examples, one version digest) and its progress."""
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.teaching.candidate import Progress, job_command, read_progress, write_training_data
from bot.teaching.nlu_export import NluExport
from tests.support.servers import ROOT

APPROVED = NluExport('version: "3.1"\nnlu:\n- intent: billing_issue\n  examples: |\n    - 月月少九块九\n',
                     {"billing_issue": ["月月少九块九"]})
NONE_APPROVED = NluExport('version: "3.1"\nnlu: []\n', {})


def test_the_training_data_is_the_projects_plus_the_approved_examples(tmp_path):
    data = write_training_data(ROOT, APPROVED, tmp_path / "a")
    assert sorted(p.name for p in data.folder.iterdir()) == ["nlu", "rules", "stories"]
    assert data.approved_file is not None and "月月少九块九" in data.approved_file.read_text(encoding="utf-8")
    assert data.approved_count == 1
    names = {p.name for p in (ROOT / "data" / "nlu").iterdir()}
    assert names < {p.name for p in (data.folder / "nlu").iterdir()}


def test_the_approved_examples_are_marked_as_not_reviewed_for_entities(tmp_path):
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    from bot.rasa_ext.nlu.crf_entity_extractor import entities_reviewed

    data = write_training_data(ROOT, APPROVED, tmp_path / "a")
    assert data.approved_file is not None
    read = RasaYAMLReader().read(str(data.approved_file))
    assert [(m.get("intent"), m.get("text")) for m in read.intent_examples] == [("billing_issue", "月月少九块九")]
    assert not any(entities_reviewed(m) for m in read.intent_examples)


def test_the_data_version_changes_with_the_approved_examples_only(tmp_path):
    first = write_training_data(ROOT, APPROVED, tmp_path / "a")
    again = write_training_data(ROOT, APPROVED, tmp_path / "b")
    without = write_training_data(ROOT, NONE_APPROVED, tmp_path / "c")
    assert first.version == again.version != without.version
    assert without.approved_file is None and without.approved_count == 0


@pytest.mark.parametrize("lines, stage, percent", [
    pytest.param(["@stage train"], "train", 5, id="stage-starts-at-its-share"),
    pytest.param(["@stage train", "@progress train 7 14"], "train", 42, id="half-of-training"),
    pytest.param(["@stage evaluate", "@progress evaluate 50 100"], "evaluate", 89, id="half-of-evaluation"),
    pytest.param(["@progress train 9 14", "@progress train 3 14"], "train", 53, id="never-goes-back"),
    pytest.param(["2026-12-06 INFO rasa training", "@progress train x 14", "@stage bogus"], "prepare", 0,
                 id="other-lines-change-nothing"),
])
def test_progress_follows_the_training_process_output(lines, stage, percent):
    progress = Progress("prepare", 0)
    for line in lines:
        progress = read_progress(line, progress)
    assert (progress.stage, progress.percent) == (stage, percent)
    assert progress.running


def test_without_the_real_development_set_it_is_not_passed_to_the_training_process(tmp_path):
    data = write_training_data(ROOT, NONE_APPROVED, tmp_path / "a")
    settings = Settings.from_env({"REAL_DEV_FILE": str(tmp_path / "missing.tsv"), "VAR_DIR": str(tmp_path)})
    command = job_command(settings, data, "console-1", None, tmp_path / "report.json")
    assert "--real-dev" not in command and "--approved" not in command and "--active" not in command
    present = tmp_path / "dev.tsv"
    present.write_text("intent\ttext\tsource\n", encoding="utf-8")
    settings = Settings.from_env({"REAL_DEV_FILE": str(present), "VAR_DIR": str(tmp_path)})
    command = job_command(settings, write_training_data(ROOT, APPROVED, tmp_path / "b"), "console-2",
                          Path("models/x.tar.gz"), tmp_path / "report.json")
    assert command[command.index("--real-dev") + 1] == str(present)
    assert command[command.index("--out") + 1] == str(tmp_path / "models")
    assert "--approved" in command and "--active" in command
