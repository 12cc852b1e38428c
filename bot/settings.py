"""One `Settings` per process, read from the environment and passed down.

Every configuration variable of the project is read here and nowhere else
(the README's configuration table lists the same names). Relative paths are
resolved against the project directory, so a server started from another
working directory reads the same files. Secrets have no defaults: the web chat
secret is generated into ``var/`` on a laptop (`bot.webchat.tokens.load_secret`),
WeChat's come only from the environment.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Dict, Mapping, Optional, Tuple

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
TOKENIZER = "bot.rasa_ext.nlu.tokenizer.DomainJiebaTokenizer"


class SettingsError(ValueError):
    """A configuration value that cannot be used."""


def _path(env: Mapping[str, str], name: str, default: str, root: Path) -> Path:
    path = Path(env.get(name) or default)
    return path if path.is_absolute() else root / path


def _whole(env: Mapping[str, str], name: str, default: int, lowest: int = 0,
           highest: Optional[int] = None) -> int:
    raw = env.get(name) or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if value < lowest or (highest is not None and value > highest):
        raise SettingsError(f"{name} must be between {lowest} and {highest or 'any'}, not {value}")
    return value


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    return _whole(env, name, default, 1, 65535)


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    return _whole(env, name, default)


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no"):
        return False
    if raw in ("1", "true", "yes"):
        return True
    raise SettingsError(f"{name} must be 1 or 0, not {raw!r}")


def tracker_store_url(endpoints_file: Path, env: Mapping[str, str]) -> str:
    """The SQLAlchemy URL of the SQL tracker store configured in ``endpoints_file``,
    built as Rasa builds it (``${VAR}`` values taken from ``env``)."""
    from sqlalchemy.engine import URL

    raw = yaml.safe_load(endpoints_file.read_text(encoding="utf-8")) or {}
    store = {key: expand_variable(value, env) for key, value in (raw.get("tracker_store") or {}).items()}
    dialect = store.get("dialect") or "sqlite"
    db = str(store.get("db") or "rasa.db")
    if dialect == "sqlite":
        path = Path(db)
        return f"sqlite:///{path if path.is_absolute() else endpoints_file.parent / path}"
    host = store.get("url")
    if host and "://" in str(host):
        return str(host)
    return URL.create(dialect, username=store.get("username"), password=store.get("password"),
                      host=host, port=store.get("port"), database=db).render_as_string(hide_password=False)


def expand_variable(value: object, env: Mapping[str, str]) -> object:
    """A ``${VAR}`` value of a Rasa YAML file (endpoints, credentials), as Rasa fills it."""
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        return env.get(value[2:-1], "")
    return value


def tokenizer_path(config_file: Path, key: str) -> Path:
    """A file the NLU's tokenizer is trained with (config.yml): the FAQ search and the
    PII redactor read the same jieba dictionary, the actions the same product catalogue."""
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    for component in config.get("pipeline") or []:
        if component.get("name") == TOKENIZER and component.get(key):
            path = Path(component[key])
            return path if path.is_absolute() else config_file.parent / path
    raise SettingsError(f"{config_file}: no {TOKENIZER} with a {key}")


def dictionary_dir_of(config_file: Path) -> Path:
    return tokenizer_path(config_file, "dictionary_path")


@dataclass(frozen=True)
class Settings:
    project_dir: Path
    faq_dir: Path
    support_dir: Path
    dictionary_dir: Path
    catalogue_file: Path
    var_dir: Path
    database_url: str
    webchat_secret: Optional[str]
    rasa_port: int
    actions_port: int
    rasa_api_token: Optional[str] = None
    action_server_token: Optional[str] = None
    cors_origins: Tuple[str, ...] = ()
    rate_limit_per_sender: int = 20
    # A ceiling per public address: a carrier's NAT or an office puts hundreds of
    # customers behind one (each window has its own RATE_LIMIT_PER_SENDER budget).
    rate_limit_per_ip: int = 6000
    max_streams_per_window: int = 5
    request_max_bytes: int = 1024 * 1024
    retention_tracker_days: int = 180
    retention_outbox_days: int = 180
    retention_transcript_days: int = 365
    endpoints_file: Path = PROJECT_DIR / "endpoints.yml"
    tracker_db_url: str = ""  # the tracker store's database, from endpoints_file
    wechat_token: str = ""
    wechat_app_id: str = ""
    wechat_secret: str = ""
    wechat_aes_key: str = ""
    console_port: int = 8080
    rasa_url: str = ""  # where the console reaches the Rasa server's HTTP API
    console_https: bool = False  # served behind TLS: session cookies get `Secure`
    console_session_hours: int = 12
    unassigned_alert_minutes: int = 15  # the queue flags tickets waiting longer with nobody on them
    login_max_failures: int = 5  # per account or address within login_lockout_minutes
    login_lockout_minutes: int = 15
    # The production profile (`python -m bot run-prod`, endpoints.prod.yml)
    redis_url: str = ""  # WeChat state shared by the workers and Rasa's lock store; "" = in memory
    workers: int = 2  # Rasa servers and action servers run-prod starts, behind one entry point
    worker_base_port: int = 5100  # run-prod's Rasa servers listen on base+1.., action servers on base+51..
    # endpoints.prod.yml's tracker store (${TRACKER_DATABASE_URL}); by default the project's database
    tracker_database_url: str = ""
    proxies_count: int = 0  # reverse proxies in front of the Rasa server that add X-Forwarded-For
    # Models trained in the console (bot/teaching): where Rasa pulls the active one, how often
    model_server_url: str = ""  # the console's /models/active.tar.gz; "" = Rasa keeps its --model
    model_server_token: Optional[str] = None
    model_pull_seconds: int = 2
    real_dev_file: Path = PROJECT_DIR.parent / "shared" / "nlu" / "real_dev.tsv"  # evaluated, never trained on
    gate_tolerance_points: int = 1  # overall accuracy a candidate may lose per evaluation set
    gate_intent_tolerance_points: int = 5  # one intent's accuracy likewise

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ,
                 project_dir: Path = PROJECT_DIR) -> "Settings":
        root = Path(env.get("BOT_PROJECT_DIR") or project_dir)
        var_dir = _path(env, "VAR_DIR", "var", root)
        endpoints_file = _path(env, "ENDPOINTS_FILE", "endpoints.yml", root)
        rasa_port = _port(env, "RASA_PORT", 5005)
        database_url = env.get("DATABASE_URL") or f"sqlite:///{var_dir / 'bot.db'}"
        tracker_database_url = env.get("TRACKER_DATABASE_URL") or database_url
        endpoints_env = {**env, "TRACKER_DATABASE_URL": tracker_database_url}
        return cls(
            project_dir=root,
            faq_dir=_path(env, "FAQ_DIR", "data/faq", root),
            support_dir=_path(env, "SUPPORT_DIR", "data/support", root),
            dictionary_dir=dictionary_dir_of(root / "config.yml"),
            catalogue_file=tokenizer_path(root / "config.yml", "catalogue_path"),
            var_dir=var_dir,
            database_url=database_url,
            webchat_secret=env.get("WEBCHAT_SECRET") or None,
            rasa_port=rasa_port,
            actions_port=_port(env, "ACTIONS_PORT", 5055),
            rasa_api_token=env.get("RASA_API_TOKEN") or None,
            action_server_token=env.get("ACTION_SERVER_TOKEN") or None,
            cors_origins=tuple(o.strip() for o in (env.get("CORS_ORIGINS") or "").split(",") if o.strip()),
            rate_limit_per_sender=_count(env, "RATE_LIMIT_PER_SENDER", 20),
            rate_limit_per_ip=_count(env, "RATE_LIMIT_PER_IP", 6000),
            max_streams_per_window=_count(env, "MAX_STREAMS_PER_WINDOW", 5),
            request_max_bytes=_count(env, "REQUEST_MAX_BYTES", 1024 * 1024),
            retention_tracker_days=_count(env, "RETENTION_TRACKER_DAYS", 180),
            retention_outbox_days=_count(env, "RETENTION_OUTBOX_DAYS", 180),
            retention_transcript_days=_count(env, "RETENTION_TRANSCRIPT_DAYS", 365),
            endpoints_file=endpoints_file,
            tracker_db_url=tracker_store_url(endpoints_file, endpoints_env) if endpoints_file.exists() else "",
            wechat_token=(env.get("WECHAT_TOKEN") or "").strip(),
            wechat_app_id=(env.get("WECHAT_APPID") or "").strip(),
            wechat_secret=(env.get("WECHAT_SECRET") or "").strip(),
            wechat_aes_key=(env.get("WECHAT_AES_KEY") or "").strip(),
            console_port=_port(env, "CONSOLE_PORT", 8080),
            rasa_url=(env.get("RASA_URL") or f"http://localhost:{rasa_port}").rstrip("/"),
            console_https=_flag(env, "CONSOLE_HTTPS"),
            console_session_hours=_whole(env, "CONSOLE_SESSION_HOURS", 12, 1, 24 * 30),
            unassigned_alert_minutes=_count(env, "UNASSIGNED_ALERT_MINUTES", 15),
            login_max_failures=_whole(env, "LOGIN_MAX_FAILURES", 5, 1),
            login_lockout_minutes=_whole(env, "LOGIN_LOCKOUT_MINUTES", 15, 1),
            redis_url=(env.get("REDIS_URL") or "").strip(),
            workers=_whole(env, "WORKERS", 2, 1, 16),
            worker_base_port=_whole(env, "WORKER_BASE_PORT", 5100, 1, 65535 - 100),
            tracker_database_url=tracker_database_url,
            proxies_count=_whole(env, "PROXIES_COUNT", 0, 0, 10),
            model_server_url=(env.get("MODEL_SERVER_URL") or "").strip(),
            model_server_token=env.get("MODEL_SERVER_TOKEN") or None,
            model_pull_seconds=_whole(env, "MODEL_PULL_SECONDS", 2, 1, 3600),
            real_dev_file=_path(env, "REAL_DEV_FILE", "../shared/nlu/real_dev.tsv", root),
            gate_tolerance_points=_whole(env, "MODEL_GATE_TOLERANCE", 1, 0, 100),
            gate_intent_tolerance_points=_whole(env, "MODEL_GATE_INTENT_TOLERANCE", 5, 0, 100),
        )

    def with_endpoints(self, endpoints_file: Path, env: Mapping[str, str] = os.environ) -> "Settings":
        """These settings with the tracker store of another endpoints file (``--endpoints``)."""
        path = endpoints_file if endpoints_file.is_absolute() else self.project_dir / endpoints_file
        return replace(self, endpoints_file=path, tracker_db_url=tracker_store_url(path, env))

    @property
    def webchat_secret_file(self) -> Path:
        return self.var_dir / "webchat_secret"

    @property
    def rasa_api_token_file(self) -> Path:
        return self.var_dir / "rasa_api_token"

    @property
    def embedding_cache_file(self) -> Path:
        """The sentence encoder's cache (config.yml's cache_path is the same file)."""
        return self.var_dir / "embedding_cache.sqlite3"

    @property
    def evaluation_cache_file(self) -> Path:
        """The evaluation sentences' embeddings (a candidate's evaluation; never trained on)."""
        return self.var_dir / "evaluation_embeddings.sqlite3"

    @property
    def action_server_token_file(self) -> Path:
        return self.var_dir / "action_server_token"

    @property
    def model_server_token_file(self) -> Path:
        return self.var_dir / "model_server_token"

    @property
    def candidates_dir(self) -> Path:
        """Models trained in the console (``models/`` keeps the project's own)."""
        return self.var_dir / "models"

    def wechat_environment(self) -> Dict[str, str]:
        """The WeChat secrets by their variable names (`bot.wechat.config.SECRETS`)."""
        return {"WECHAT_TOKEN": self.wechat_token, "WECHAT_APPID": self.wechat_app_id,
                "WECHAT_SECRET": self.wechat_secret, "WECHAT_AES_KEY": self.wechat_aes_key}

    @property
    def action_server_url(self) -> str:
        return f"http://localhost:{self.actions_port}/webhook"


@lru_cache(maxsize=1)
def process_settings() -> Settings:
    """The settings of this process, read from the environment once. Entry points that
    build their own (`bot.cli.main`, tests) pass them down instead; objects Rasa creates
    for us (channels, the launcher's hooks) and the action server's services start here."""
    return Settings.from_env()
