"""Rasa pulls the active model from the console when MODEL_SERVER_URL is set, and
serves its own --model, with the console's fingerprint for it, while the console is not up."""
import asyncio
from types import SimpleNamespace

import pytest

from bot.rasa_ext import model_pull
from bot.settings import Settings

URL = "http://127.0.0.1:8080/models/active.tar.gz"


def settings(tmp_path, **env):
    return Settings.from_env({"VAR_DIR": str(tmp_path), **env})


@pytest.fixture
def restored(monkeypatch):
    import rasa.core.agent
    from rasa.core.utils import AvailableEndpoints

    monkeypatch.setattr(AvailableEndpoints, "read_endpoints", AvailableEndpoints.read_endpoints)
    monkeypatch.setattr(rasa.core.agent, "load_agent", rasa.core.agent.load_agent)
    return AvailableEndpoints


def test_without_a_url_nothing_changes(tmp_path, restored):
    (tmp_path / "endpoints.yml").write_text('action_endpoint:\n  url: "http://a:1/webhook"\n', encoding="utf-8")
    model_pull.install(settings(tmp_path))
    assert restored.read_endpoints(str(tmp_path / "endpoints.yml")).model is None


@pytest.mark.parametrize("endpoint, url", [
    pytest.param('action_endpoint:\n  url: "http://a:1/webhook"\n', URL, id="added"),
    pytest.param('models:\n  url: "http://models.internal/x.tar.gz"\n', "http://models.internal/x.tar.gz",
                 id="the-files-own-wins"),
])
def test_the_model_endpoint_carries_the_token_and_the_pull_interval(tmp_path, restored, endpoint, url):
    model_pull.install(settings(tmp_path, MODEL_SERVER_URL=URL, MODEL_SERVER_TOKEN="t" * 32,
                                MODEL_PULL_SECONDS="3"))
    (tmp_path / "endpoints.yml").write_text(endpoint, encoding="utf-8")
    model = restored.read_endpoints(str(tmp_path / "endpoints.yml")).model
    assert model.url == url
    if url == URL:
        assert model.token == "t" * 32 and model.kwargs["wait_time_between_pulls"] == 3


def test_the_local_model_serves_until_the_model_server_answers(tmp_path, restored, monkeypatch):
    import rasa.core.agent

    loaded = {}
    agent = SimpleNamespace(is_ready=lambda: bool(loaded),
                            load_model=lambda path, fingerprint: loaded.update(path=path, fingerprint=fingerprint))

    async def no_model_from_the_server(**kwargs):
        return agent

    monkeypatch.setattr(rasa.core.agent, "load_agent", no_model_from_the_server)
    model_pull.install(settings(tmp_path, MODEL_SERVER_URL=URL, MODEL_SERVER_TOKEN="t" * 32))
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "20261206-1.tar.gz").write_bytes(b"model")
    assert asyncio.run(rasa.core.agent.load_agent(model_path=str(tmp_path / "models"))) is agent
    assert loaded["path"].name == "20261206-1.tar.gz" and loaded["fingerprint"] == '"20261206-1.tar.gz"'


def test_a_pulled_model_is_loaded_outside_the_event_loop(tmp_path, restored, monkeypatch):
    import threading

    import rasa.core.agent
    from rasa.utils.endpoints import EndpointConfig

    monkeypatch.setattr(rasa.core.agent, "_update_model_from_server", rasa.core.agent._update_model_from_server)
    loads = []

    async def pulled(model_server, fingerprint, directory):
        return '"console-2.tar.gz"' if fingerprint != '"console-2.tar.gz"' else None

    monkeypatch.setattr(rasa.core.agent, "_pull_model_and_fingerprint", pulled)
    model_pull.install(settings(tmp_path, MODEL_SERVER_URL=URL, MODEL_SERVER_TOKEN="t" * 32))
    agent = SimpleNamespace(fingerprint='"project.tar.gz"')

    def load_model(directory, fingerprint):
        loads.append(threading.get_ident())
        agent.fingerprint = fingerprint

    agent.load_model = load_model

    async def twice():
        await rasa.core.agent._update_model_from_server(EndpointConfig(URL), agent)
        await rasa.core.agent._update_model_from_server(EndpointConfig(URL), agent)  # 304: nothing to load
        return threading.get_ident()

    loop_thread = asyncio.run(twice())
    assert len(loads) == 1 and loads[0] != loop_thread and agent.fingerprint == '"console-2.tar.gz"'
