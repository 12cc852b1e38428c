"""One command migrates; concurrent migrations wait for each other; servers only check."""
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.storage.migrate import SchemaNotCurrent, current_revision, head_revision, require_current, upgrade
from tests.support.servers import ROOT


def test_ten_concurrent_upgrades_of_a_fresh_database_all_succeed(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    commands = [[sys.executable, "-m", "bot", "db-upgrade", "--url", url] for _ in range(10)]
    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(lambda c: subprocess.run(c, cwd=ROOT, capture_output=True, text=True),
                                commands))
    assert [r.returncode for r in results] == [0] * 10, [r.stderr[-500:] for r in results if r.returncode]
    assert current_revision(url) == head_revision()


def test_a_server_refuses_a_database_that_is_not_migrated(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    with pytest.raises(SchemaNotCurrent, match="python -m bot db-upgrade"):
        require_current(url)
    upgrade(url)
    require_current(url)


def test_a_database_one_migration_behind_is_not_current(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0001")
    with pytest.raises(SchemaNotCurrent, match="is at schema 0001"):
        require_current(url)
