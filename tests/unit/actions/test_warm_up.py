"""The action server builds its shared objects before it takes the first request."""
import logging
from types import SimpleNamespace

from rasa_sdk.plugin import plugin_manager

from actions import services

BUILT_AT_START = [services.faq_service, services.ticket_store, services.replies,
                  services.diagnostics, services.sla_clock, services.priority_rules]


class RecordingApp:
    """Stands in for the Sanic app: records the listeners and middleware plugins register."""

    def __init__(self) -> None:
        self.listeners = []
        self.middleware = []
        self.ctx = SimpleNamespace()

    def register_listener(self, listener, event):
        self.listeners.append((listener.__name__, event))

    def register_middleware(self, middleware, attach_to):
        self.middleware.append((middleware.__name__, attach_to))


def test_rasa_sdk_finds_the_plugin_warm_up_and_token_check_included():
    app = RecordingApp()
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    assert ("_warm_up", "before_server_start") in app.listeners
    assert ("_require_token", "request") in app.middleware
    assert len(app.ctx.action_server_token) >= 16


def test_warm_up_builds_every_shared_object(faq_dir):
    services.warm_up()
    for build in BUILT_AT_START:
        assert build.cache_info().currsize == 1, build.__name__
    assert services.faq_service()._index is not None


def test_a_part_that_cannot_be_built_does_not_stop_the_start(faq_dir, monkeypatch, caplog):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////nonexistent-dir/tickets.db")
    services.reset()
    with caplog.at_level(logging.ERROR):
        services.warm_up()
    assert "ticket database" in caplog.text
    assert services.faq_service.cache_info().currsize == 1
    assert services.ticket_store.cache_info().currsize == 0
