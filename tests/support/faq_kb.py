"""Write a small FAQ knowledge base into a temporary directory for tests."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Dict, List

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
}


def write_kb(directory: Path, entries: Dict[str, List[dict]] = SAMPLE_ENTRIES) -> Path:
    """A knowledge base with the project's real synonyms and search settings."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("synonyms.yml", "search.yml"):
        shutil.copy(ROOT / "data" / "faq" / name, directory / name)
    for area, area_entries in entries.items():
        (directory / f"{area}.yml").write_text(
            yaml.safe_dump({"area": area, "entries": area_entries}, allow_unicode=True),
            encoding="utf-8",
        )
    return directory
