"""Which file the Rasa workers pull: the registry's active model, else the newest of models/."""
import os
import shutil

from bot.settings import Settings
from bot.storage.engine import make_engine
from bot.storage.models_registry import ModelRegistry
from bot.teaching.active_model import active_model, model_etag
from tests.support.servers import ROOT


def test_the_newest_project_model_until_one_is_activated_then_that_one(tmp_path, migrated_db_url):
    for name in ("config.yml", "domain.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "data").mkdir()
    shutil.copytree(ROOT / "data" / "dictionary", tmp_path / "data" / "dictionary")
    shutil.copytree(ROOT / "data" / "support", tmp_path / "data" / "support")
    (tmp_path / "models").mkdir()
    old, new = tmp_path / "models" / "old.tar.gz", tmp_path / "models" / "new.tar.gz"
    old.write_bytes(b"old")
    new.write_bytes(b"new")
    os.utime(old, (1, 1))
    settings = Settings.from_env({"VAR_DIR": str(tmp_path / "var")}, project_dir=tmp_path)
    registry = ModelRegistry(make_engine(migrated_db_url))
    assert active_model(settings, registry) == new
    settings.candidates_dir.mkdir(parents=True)
    (settings.candidates_dir / "console-1.tar.gz").write_bytes(b"candidate")
    entry = registry.start("lead", "v", 1)
    registry.finish(entry.id, "console-1.tar.gz", {}, True)
    registry.activate(entry.id, "lead")
    assert active_model(settings, registry) == settings.candidates_dir / "console-1.tar.gz"
    assert model_etag("console-1.tar.gz") == '"console-1.tar.gz"'
