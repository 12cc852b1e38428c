"""pytest imports test modules by their file name (no packages under tests/): two
modules with one name stop the whole run at collection."""
from collections import Counter

from tests.conftest import ROOT


def test_no_two_test_modules_share_a_name():
    names = Counter(path.name for path in (ROOT / "tests").rglob("test_*.py"))
    assert not [name for name, count in names.items() if count > 1]
