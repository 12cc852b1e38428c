"""`python -m bot export-nlu`: the two files, a summary, refusals."""
import json
import os
import subprocess
import sys

import yaml

from tests.support.servers import ROOT


def export(*args, url):
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "bot", "export-nlu", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_without_corrections_both_files_are_written_and_empty(tmp_path, migrated_db_url):
    done = export("--since", "2026-11-01", "--out", str(tmp_path / "out" / "nlu.yml"), url=migrated_db_url)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["corrections"] == 0 and summary["examples"] == 0
    assert yaml.safe_load((tmp_path / "out" / "nlu.yml").read_text(encoding="utf-8")) == {"version": "3.1", "nlu": []}
    assert yaml.safe_load((tmp_path / "out" / "nlu_faq_drafts.yml").read_text(encoding="utf-8")) == {"entries": []}


def test_a_bad_date_or_an_old_schema_is_refused(tmp_path, migrated_db_url):
    assert export("--since", "last week", url=migrated_db_url).returncode == 2
    assert export(url=f"sqlite:///{tmp_path / 'never-migrated.db'}").returncode == 2


def test_examples_approved_in_the_inbox_are_written_with_the_corrections(tmp_path, migrated_db_url):
    from datetime import datetime, timezone

    from bot.storage.engine import make_engine
    from bot.storage.inbox import Approval, Handled, InboxStore

    now = datetime.now(timezone.utc)
    InboxStore(make_engine(migrated_db_url)).approve(
        [Approval(Handled(("t1-1",), "alice", now), "月月少九块九", "billing_issue")], "lead")
    done = export("--out", str(tmp_path / "nlu.yml"), url=migrated_db_url)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["approved"] == 1 and summary["examples"] == 1
    written = yaml.safe_load((tmp_path / "nlu.yml").read_text(encoding="utf-8"))
    assert written["nlu"] == [{"intent": "billing_issue", "examples": "- 月月少九块九\n"}]
