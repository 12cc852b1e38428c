"""The launcher gives Rasa the API token and the CORS origins the settings ask for."""
import pytest

from bot.rasa_ext.api_guard import is_public
from bot.rasa_ext.launcher import server_arguments
from bot.settings import Settings


def settings(tmp_path, **env):
    return Settings.from_env({"VAR_DIR": str(tmp_path), **env})


def test_the_api_gets_a_generated_token_kept_in_var(tmp_path):
    args = server_arguments(["run", "--enable-api"], settings(tmp_path))
    token = (tmp_path / "rasa_api_token").read_text().strip()
    assert args == ["run", "--enable-api", "--auth-token", token] and len(token) >= 32
    assert oct((tmp_path / "rasa_api_token").stat().st_mode & 0o777) == "0o600"


def test_the_environment_token_wins_and_an_explicit_one_is_kept(tmp_path):
    env_token = "t" * 24
    assert server_arguments(["run", "--enable-api"], settings(tmp_path, RASA_API_TOKEN=env_token))[-1] == env_token
    assert server_arguments(["run", "--enable-api", "--auth-token", "mine" * 5],
                            settings(tmp_path))[-1] == "mine" * 5


def test_no_api_no_token_and_cors_only_when_configured(tmp_path):
    assert server_arguments(["run"], settings(tmp_path)) == ["run"]
    assert server_arguments(["run"], settings(tmp_path, CORS_ORIGINS="https://a.example, https://b.example")) == [
        "run", "--cors", "https://a.example", "https://b.example"]


def test_a_short_api_token_is_refused(tmp_path):
    with pytest.raises(ValueError, match="RASA_API_TOKEN"):
        server_arguments(["run", "--enable-api"], settings(tmp_path, RASA_API_TOKEN="short"))


@pytest.mark.parametrize("path, public", [
    ("/webhooks/rest/webhook", True), ("/webhooks/webchat/message", True), ("/chat", True),
    ("/chat/static/chat.js", True), ("/", False), ("/version", False), ("/status", False),
    ("/conversations/x/tracker", False), ("/chatty", False), ("/webhooks", False),
])
def test_only_channels_and_the_chat_page_are_public(path, public):
    assert is_public(path) is public


@pytest.mark.parametrize("endpoint, expected", [
    pytest.param('action_endpoint:\n  url: "http://localhost:5055/webhook"\n', "from-settings", id="none-given"),
    pytest.param('action_endpoint:\n  url: "http://a:1/webhook"\n  token: "from-the-file-0123456789"\n',
                 "from-the-file-0123456789", id="the-files-own"),
])
def test_rasa_calls_the_action_server_with_its_token(tmp_path, monkeypatch, endpoint, expected):
    from rasa.core.utils import AvailableEndpoints

    from bot.rasa_ext.launcher import _send_action_server_token

    monkeypatch.setattr(AvailableEndpoints, "read_endpoints", AvailableEndpoints.read_endpoints)
    _send_action_server_token(settings(tmp_path, ACTION_SERVER_TOKEN="from-settings-0123456789"))
    (tmp_path / "endpoints.yml").write_text(endpoint, encoding="utf-8")
    token = AvailableEndpoints.read_endpoints(str(tmp_path / "endpoints.yml")).action.token
    assert token == (expected if expected != "from-settings" else "from-settings-0123456789")
