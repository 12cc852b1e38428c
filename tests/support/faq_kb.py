"""Write a small FAQ knowledge base into a temporary directory for tests."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parents[2]

SAMPLE_ENTRIES: Dict[str, List[dict]] = {
    "sms": [
        {"id": "sms_not_received", "questions": ["收不到验证码", "验证码一直不来", "短信验证码没收到"],
         "answer": "请检查手机号和信号。"},
        {"id": "sms_expired", "questions": ["验证码过期了", "提示验证码已失效", "验证码超时不能用"],
         "answer": "验证码 5 分钟内有效。"},
    ],
    "billing": [
        {"id": "billing_cancel_renewal", "questions": ["怎么关闭自动续费", "取消自动续费", "不想自动扣会员费了"],
         "answer": "在「我的 > 设置 > 自动续费管理」关闭。"},
    ],
    # the entries data/faq/search.yml names for theft and fraud (emergency, emergency_specific)
    "general": [
        {"id": "general_account_lending_risk",
         "questions": ["帮朋友用我的账户收钱再转给他", "出租账户帮人收款", "帮人走账给佣金"],
         "answer": "出借账户帮人收款转款是违法的，请立即停止。"},
    ],
    "account": [
        {"id": "account_stolen_suspected", "questions": ["账号被盗了", "有人登录了我的账户", "钱被别人转走了"],
         "answer": "请立即紧急冻结账户。", "urgent": True},
    ],
    "transfer": [
        {"id": "transfer_fraud_scam", "questions": ["被骗了转了钱", "遇到诈骗了", "骗子让我转账"],
         "answer": "请停止转账并报警。", "urgent": True},
    ],
}


def write_kb(directory: Path, entries: Dict[str, List[dict]] = SAMPLE_ENTRIES,
             settings: Optional[Dict[str, Any]] = None,
             not_covered: Optional[List[dict]] = None) -> Path:
    """A knowledge base with the project's real synonyms and search settings
    (``settings`` replaces some of them), and ``not_covered`` topics if given."""
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "data" / "faq" / "synonyms.yml", directory / "synonyms.yml")
    search = yaml.safe_load((ROOT / "data" / "faq" / "search.yml").read_text(encoding="utf-8"))
    search.update(settings or {})
    (directory / "search.yml").write_text(yaml.safe_dump(search, allow_unicode=True), encoding="utf-8")
    for area, area_entries in entries.items():
        (directory / f"{area}.yml").write_text(
            yaml.safe_dump({"area": area, "entries": area_entries}, allow_unicode=True),
            encoding="utf-8",
        )
    if not_covered is not None:
        (directory / "not_covered.yml").write_text(
            yaml.safe_dump({"topics": not_covered}, allow_unicode=True), encoding="utf-8")
    return directory
