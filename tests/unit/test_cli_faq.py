"""`python -m bot import-faq` / `export-faq`: the files and the console's versions, both ways."""
import shutil

import yaml

from bot.cli import main
from bot.faq.exchange import read_entries
from bot.storage.engine import make_engine
from bot.storage.faq_versions import FaqVersionStore
from tests.support.faq_kb import ROOT


def test_import_then_export_gives_the_same_files(tmp_path, migrated_db_url, monkeypatch):
    faq = tmp_path / "faq"
    shutil.copytree(ROOT / "data" / "faq", faq)
    monkeypatch.setenv("DATABASE_URL", migrated_db_url)
    monkeypatch.setenv("FAQ_DIR", str(faq))
    assert main(["export-faq"]) == 1  # nothing published yet

    assert main(["import-faq"]) == 0
    store = FaqVersionStore(make_engine(migrated_db_url))
    assert store.published_id() == 1 and store.head().author == "导入"
    assert main(["import-faq"]) == 0 and store.head().number == 1  # unchanged files: no new version

    billing = yaml.safe_load((faq / "billing.yml").read_text(encoding="utf-8"))
    billing["entries"][0]["answer"] = "导入的新答案"
    (faq / "billing.yml").write_text(yaml.safe_dump(billing, allow_unicode=True), encoding="utf-8")
    assert main(["import-faq"]) == 0 and store.published_id() == 2
    assert "的答案" in store.head().summary

    out = tmp_path / "exported"
    assert main(["export-faq", "--out", str(out)]) == 0
    assert read_entries(out) == read_entries(faq)
