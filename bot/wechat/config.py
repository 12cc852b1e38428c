"""WeChat channel settings: the credentials.yml entry, secrets from the environment.

Secrets may be written into the credentials entry (``token: ${WECHAT_TOKEN}``
works, Rasa expands it) but Rasa refuses to start when such a variable is
unset, so the committed credentials.yml leaves them out and they come from
`bot.settings.Settings` (``WECHAT_TOKEN``, ``WECHAT_APPID``, ``WECHAT_SECRET``,
``WECHAT_AES_KEY``).
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

from bot.settings import PROJECT_DIR

MODES = ("plaintext", "compatible", "safe")
BUTTON_STYLES = ("numbered", "menu")
DEFAULT_API_BASE = "https://api.weixin.qq.com"
PACKAGE_DIR = Path(__file__).resolve().parent

# credentials key -> environment variable (read by bot.settings) used when the key is absent
SECRETS = {
    "token": "WECHAT_TOKEN",
    "app_id": "WECHAT_APPID",
    "secret": "WECHAT_SECRET",
    "aes_key": "WECHAT_AES_KEY",
}


class SettingsError(ValueError):
    """A credentials value that cannot be used (unknown mode, bad number)."""


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _valid_aes_key(key: str) -> bool:
    try:
        return len(key) == 43 and len(base64.b64decode(key + "=", validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


@dataclass(frozen=True)
class WeChatSettings:
    token: str = ""
    app_id: str = ""
    secret: str = ""
    aes_key: str = ""
    mode: str = "plaintext"
    api_base: str = DEFAULT_API_BASE
    reply_timeout: float = 4.5
    # False for accounts without the customer-service message API (unverified
    # subscription accounts): late answers wait for the follower's next message.
    customer_service: bool = True
    button_style: str = "numbered"
    menu_file: Path = PACKAGE_DIR / "menu.yml"
    # Settings.support_dir: the wechat section of texts.yml holds the fixed replies
    support_dir: Path = PROJECT_DIR / "data" / "support"
    text_limit_bytes: int = 2048
    max_input_chars: int = 2000
    dedup_seconds: float = 300.0

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[str, Any]],
                         environment: Mapping[str, str],
                         support_dir: Optional[Path] = None) -> "WeChatSettings":
        """``environment``: `Settings.wechat_environment()`, variable name -> value;
        ``support_dir``: `Settings.support_dir`."""
        creds = dict(credentials or {})
        secrets: Dict[str, Any] = {key: str(creds.get(key) or environment.get(var, "") or "").strip()
                   for key, var in SECRETS.items()}
        mode = str(creds.get("mode") or ("safe" if secrets["aes_key"] else "plaintext")).lower()
        if mode not in MODES:
            raise SettingsError(f"wechat mode must be one of {MODES}, not {mode!r}")
        style = str(creds.get("button_style") or "numbered").lower()
        if style not in BUTTON_STYLES:
            raise SettingsError(f"wechat button_style must be one of {BUTTON_STYLES}, not {style!r}")
        try:
            timeout = float(creds.get("reply_timeout", cls.reply_timeout))
            limit = int(creds.get("text_limit_bytes", cls.text_limit_bytes))
        except (TypeError, ValueError) as error:
            raise SettingsError(f"wechat reply_timeout/text_limit_bytes: {error}") from None
        optional: Dict[str, Any] = {}
        if creds.get("menu_file"):
            optional["menu_file"] = Path(creds["menu_file"])
        if support_dir is not None:
            optional["support_dir"] = support_dir
        return cls(
            **secrets,
            mode=mode,
            api_base=str(creds.get("api_base") or DEFAULT_API_BASE).rstrip("/"),
            reply_timeout=timeout,
            customer_service=_flag(creds.get("customer_service_api", True)),
            button_style=style,
            text_limit_bytes=limit,
            **optional,
        )

    def missing(self) -> List[str]:
        """Environment variables this mode needs that have no (usable) value."""
        needed = ["token"] + (["app_id", "aes_key"] if self.mode != "plaintext" else [])
        missing = [SECRETS[key] for key in needed if not getattr(self, key)]
        if self.aes_key and not _valid_aes_key(self.aes_key):
            missing.append(f"{SECRETS['aes_key']} (the 43-character EncodingAESKey)")
        return missing

    @property
    def can_push(self) -> bool:
        """Whether answers may be sent later through the customer-service API."""
        return self.customer_service and bool(self.app_id and self.secret)
