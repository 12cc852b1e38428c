"""The start-up objects are taken out of garbage collection once per process."""
import gc

import pytest

from bot import server_tuning


@pytest.fixture
def unfrozen(monkeypatch):
    monkeypatch.setattr(server_tuning, "_frozen", False)
    yield
    gc.unfreeze()


def test_freezing_takes_the_living_objects_out_of_collection(unfrozen):
    kept = object()
    server_tuning.freeze_loaded_objects()
    assert gc.get_freeze_count() > 0
    assert kept is not None


def test_freezing_twice_is_done_once(unfrozen, caplog):
    with caplog.at_level("INFO", logger="bot.server_tuning"):
        server_tuning.freeze_loaded_objects()
        server_tuning.freeze_loaded_objects()
    assert caplog.text.count("Froze") == 1
