"""Settings: every variable read in one place, paths against the project directory."""
import pytest

from bot.settings import PROJECT_DIR, Settings, SettingsError, dictionary_dir_of


def test_defaults_need_no_configuration():
    settings = Settings.from_env({})
    assert settings.faq_dir == PROJECT_DIR / "data" / "faq"
    assert settings.support_dir == PROJECT_DIR / "data" / "support"
    assert settings.database_url == f"sqlite:///{PROJECT_DIR / 'var' / 'bot.db'}"
    assert settings.webchat_secret is None and settings.webchat_secret_file == PROJECT_DIR / "var" / "webchat_secret"
    assert (settings.rasa_port, settings.actions_port) == (5005, 5055)


def test_relative_paths_are_read_against_the_project_not_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({"FAQ_DIR": "data/faq", "VAR_DIR": "/srv/bot/var"})
    assert settings.faq_dir == PROJECT_DIR / "data" / "faq"
    assert settings.database_url == "sqlite:////srv/bot/var/bot.db"


def test_the_dictionary_is_the_one_the_nlu_is_trained_with():
    assert Settings.from_env({}).dictionary_dir == dictionary_dir_of(PROJECT_DIR / "config.yml")
    assert dictionary_dir_of(PROJECT_DIR / "config.yml") == PROJECT_DIR / "data" / "dictionary"


def test_a_config_without_our_tokenizer_is_an_error(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text("pipeline:\n  - name: JiebaTokenizer\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="dictionary_path"):
        dictionary_dir_of(config)


@pytest.mark.parametrize("value", [
    pytest.param("eighty", id="not-a-number"),
    pytest.param("70000", id="out-of-range"),
])
def test_a_bad_port_is_refused_with_its_name(value):
    with pytest.raises(SettingsError, match="RASA_PORT"):
        Settings.from_env({"RASA_PORT": value})


def test_wechat_secrets_come_from_the_environment_only():
    settings = Settings.from_env({"WECHAT_TOKEN": " tok ", "WECHAT_APPID": "wx1"})
    assert settings.wechat_environment() == {"WECHAT_TOKEN": "tok", "WECHAT_APPID": "wx1",
                                             "WECHAT_SECRET": "", "WECHAT_AES_KEY": ""}


def test_no_other_module_reads_the_environment():
    """One owner: bot/ and actions/ read configuration through Settings only."""
    offenders = []
    for folder in ("bot", "actions"):
        for path in (PROJECT_DIR / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            # processes.py hands its environment on to the servers it starts
            exempt = ("settings.py", "processes.py")
            if path.name not in exempt and ("os.environ" in text or "os.getenv" in text):
                offenders.append(str(path.relative_to(PROJECT_DIR)))
    assert offenders == []
