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
    gc.unfreeze()
    loaded = ["an object alive when the server has started"]
    assert any(o is loaded for o in gc.get_objects())
    server_tuning.freeze_loaded_objects()
    assert not any(o is loaded for o in gc.get_objects())  # the collector no longer walks it
    later = ["garbage made while serving"]
    assert any(o is later for o in gc.get_objects())


def test_freezing_twice_is_done_once(unfrozen, caplog):
    with caplog.at_level("INFO", logger="bot.server_tuning"):
        server_tuning.freeze_loaded_objects()
        server_tuning.freeze_loaded_objects()
    assert caplog.text.count("Froze") == 1
