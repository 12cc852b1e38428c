"""data/faq is the seed and the exchange format: files -> database -> files gives the same entries."""
import yaml

from bot.faq.exchange import area_yaml, read_entries, write_entries
from bot.faq.knowledge_base import load_knowledge_base
from bot.storage.engine import make_engine
from bot.storage.faq_versions import FaqVersionStore
from tests.support.faq_kb import ROOT

FAQ = ROOT / "data" / "faq"


def test_the_knowledge_base_round_trips_through_the_database(tmp_path, migrated_db_url):
    store = FaqVersionStore(make_engine(migrated_db_url))
    seed = read_entries(FAQ)
    store.seed(seed, "初始导入", "导入")
    out = tmp_path / "faq"
    out.mkdir()
    for name in ("search.yml", "synonyms.yml", "not_covered.yml"):
        (out / name).write_text((FAQ / name).read_text(encoding="utf-8"), encoding="utf-8")

    write_entries(FaqVersionStore(make_engine(migrated_db_url)).published().entries, out)

    assert read_entries(out) == seed
    assert load_knowledge_base(out).entries == load_knowledge_base(FAQ).entries
    for path in FAQ.glob("*.yml"):  # the same files, in the same layout (comments aside)
        assert yaml.safe_load((out / path.name).read_text(encoding="utf-8")) == \
            yaml.safe_load(path.read_text(encoding="utf-8")), path.name


def test_the_written_files_keep_the_seed_layout():
    entries = read_entries(FAQ)
    text = area_yaml("account", [e for e in entries if e["area"] == "account"])
    assert text == (FAQ / "account.yml").read_text(encoding="utf-8")


def test_an_area_left_without_entries_keeps_an_empty_file(tmp_path):
    entries = read_entries(FAQ)
    write_entries(entries, tmp_path)
    write_entries([e for e in entries if e["area"] != "general"], tmp_path)
    assert yaml.safe_load((tmp_path / "general.yml").read_text(encoding="utf-8")) == {"area": "general",
                                                                                      "entries": []}
