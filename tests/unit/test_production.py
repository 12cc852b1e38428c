"""The production profile's plan (bot/production.py, bot/proxy.py, endpoints.prod.yml)
without starting anything."""
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.production import ProfileError, check_settings, child_environment, services
from bot.proxy import Upstream, nginx_config
from bot.settings import PROJECT_DIR, Settings

PG = "postgresql+psycopg2://bot:secret@db.internal:5432/bot"
PROD_ENV = {"DATABASE_URL": PG, "REDIS_URL": "redis://:pw@redis.internal:6379/0",
            "ENDPOINTS_FILE": "endpoints.prod.yml"}


def _services(env, tmp_path):
    settings = Settings.from_env({**env, "VAR_DIR": str(tmp_path)})
    return settings, services(settings, "models", "credentials.yml", PROJECT_DIR / "endpoints.prod.yml",
                              ["rasa-launcher", "run"], ["rasa", "run", "actions"])


def test_workers_default_to_two_of_each_behind_one_entry_point(tmp_path):
    settings, found = _services(PROD_ENV, tmp_path)
    names = [s.name for s in found]
    assert names == ["actions-1", "actions-2", "rasa-1", "rasa-2", "console", "proxy"]
    assert [s.health_url for s in found][-1] == "http://127.0.0.1:5005/webhooks/rest/"
    assert [s.restart for s in found] == [True, True, True, True, False, False]
    rasa_1 = found[2].command
    assert rasa_1[rasa_1.index("--port") + 1] == "5101" and rasa_1[rasa_1.index("--interface") + 1] == "127.0.0.1"
    assert found[0].command[-2:] == ["--port", "5151"]
    assert found[0].env["SANIC_HOST"] == "127.0.0.1"  # rasa-sdk listens on every interface otherwise
    assert found[2].env["ACTION_SERVER_URL"] == "http://127.0.0.1:5055/webhook"
    assert found[2].env["TRACKER_DATABASE_URL"] == PG  # one database unless told otherwise
    assert found[4].env["RASA_URL"] == "http://127.0.0.1:5005"
    config = (tmp_path / "prod" / "nginx.conf").read_text()
    assert "listen 127.0.0.1:5005;" in config and "server 127.0.0.1:5102" in config
    assert "listen 127.0.0.1:5055;" in config and "server 127.0.0.1:5152" in config
    # nginx lets go of an idle connection before Sanic closes it (5 s): no reset POST
    assert config.count("keepalive_timeout 4s;") == 2


def test_the_number_of_workers_comes_from_the_environment(tmp_path):
    _, found = _services({**PROD_ENV, "WORKERS": "3"}, tmp_path)
    assert [s.name for s in found if s.name.startswith("rasa-")] == ["rasa-1", "rasa-2", "rasa-3"]


@pytest.mark.parametrize("env, named", [
    pytest.param({}, "DATABASE_URL", id="sqlite-default"),
    pytest.param({"DATABASE_URL": PG}, "REDIS_URL", id="no-redis"),
    pytest.param({"DATABASE_URL": PG, "REDIS_URL": "redis://r", "TRACKER_DATABASE_URL": "sqlite:///t.db"},
                 "TRACKER_DATABASE_URL", id="sqlite-tracker"),
])
def test_the_profile_refuses_to_start_without_postgres_and_redis(env, named):
    with pytest.raises(ProfileError, match=named):
        check_settings(Settings.from_env(env))


def test_nginx_accepts_the_generated_configuration(tmp_path):
    from bot.proxy import NginxMissing, nginx_binary

    try:
        binary = nginx_binary()
    except NginxMissing:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    (tmp_path / "nginx-temp").mkdir()
    config = tmp_path / "nginx.conf"
    config.write_text(nginx_config([Upstream("rasa", 5005, [5101, 5102])], tmp_path, 1024), encoding="utf-8")
    checked = subprocess.run([binary, "-t", "-c", str(config), "-p", str(tmp_path)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_every_address_and_password_of_the_profile_comes_from_the_environment(monkeypatch):
    """Rasa expands ${VAR} only in unquoted values; nothing secret is written in the file."""
    from rasa.utils.endpoints import read_endpoint_config

    values = {"ACTION_SERVER_URL": "http://a:1/webhook", "TRACKER_DATABASE_URL": PG,
              "REDIS_URL": "redis://:pw@r:6379/0"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    path = str(PROJECT_DIR / "endpoints.prod.yml")
    assert read_endpoint_config(path, "action_endpoint").url == values["ACTION_SERVER_URL"]
    assert read_endpoint_config(path, "tracker_store").url == PG
    lock = read_endpoint_config(path, "lock_store")
    assert lock.url == values["REDIS_URL"] and lock.type == "bot.rasa_ext.lock_store.AtomicRedisLockStore"
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    for section in raw.values():
        for key in ("url", "password", "username", "port"):
            assert key not in section or str(section[key]).startswith("${"), (section, key)


def test_the_profile_s_tracker_store_is_found_by_purge_and_the_console():
    settings = Settings.from_env(PROD_ENV)
    assert settings.tracker_db_url == PG
    other = "postgresql+psycopg2://rasa@tracker.internal/rasa"
    assert Settings.from_env({**PROD_ENV, "TRACKER_DATABASE_URL": other}).tracker_db_url == other


def test_child_processes_trust_the_proxy_they_sit_behind():
    settings = Settings.from_env({**PROD_ENV, "PROXIES_COUNT": "1"})
    assert child_environment(settings, Path("endpoints.prod.yml"))["PROXIES_COUNT"] == "2"
