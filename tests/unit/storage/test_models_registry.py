"""The model registry: one training at a time, the gate's verdict, activations audited, the way back."""
import pytest

from bot.storage.engine import make_engine
from bot.storage.models_registry import ModelRegistry, RegistryRefused


@pytest.fixture
def registry(migrated_db_url):
    return ModelRegistry(make_engine(migrated_db_url))


def trained(registry, passed=True, by="lead"):
    entry = registry.start(by, "abc123", 3)
    return registry.finish(entry.id, f"console-{entry.id}.tar.gz", {"candidate": {}}, passed)


def test_one_training_at_a_time(registry):
    entry = registry.start("lead", "abc123", 3)
    assert entry.status == "training"
    with pytest.raises(RegistryRefused, match="busy"):
        registry.start("other", "abc123", 3)
    registry.fail(entry.id, "rasa train failed")
    assert registry.start("other", "def456", 0).status == "training"


def test_a_training_left_running_by_a_stopped_console_is_failed(registry):
    entry = registry.start("lead", "abc123", 3)
    assert registry.fail_unfinished("console restarted") == 1
    assert registry.get(entry.id).status == "failed"


def test_activation_retires_the_active_model_and_rollback_finds_it(registry):
    project = registry.register_project_model("20261206-160755-olive-dimension.tar.gz")
    assert registry.register_project_model("20261206-160755-olive-dimension.tar.gz").id == project.id
    registry.activate(project.id, "project")
    candidate = trained(registry)
    registry.activate(candidate.id, "lead")
    assert registry.active().id == candidate.id
    assert registry.get(project.id).status == "retired"
    assert registry.previous().id == project.id
    registry.activate(project.id, "lead")  # rollback
    assert registry.active().id == project.id and registry.previous().id == candidate.id


def test_a_failed_gate_needs_a_written_reason_which_is_kept(registry):
    candidate = trained(registry, passed=False)
    with pytest.raises(RegistryRefused, match="gate_failed"):
        registry.activate(candidate.id, "lead", "   ")
    registry.activate(candidate.id, "lead", "节假日话术急需上线，已人工抽查")
    assert registry.get(candidate.id).override_reason == "节假日话术急需上线，已人工抽查"
    assert registry.activations()[0].override_reason == "节假日话术急需上线，已人工抽查"


def test_unfinished_or_unknown_models_cannot_be_activated(registry):
    entry = registry.start("lead", "abc123", 3)
    with pytest.raises(RegistryRefused, match="not_ready"):
        registry.activate(entry.id, "lead")
    with pytest.raises(RegistryRefused, match="unknown_model"):
        registry.activate(999, "lead")
