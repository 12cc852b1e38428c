"""Problems are decided by what happened, not by which names appear; and a new company's
product catalogue is all a new deployment needs (swap the file, retrain)."""
from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
import yaml

from bot.processes import training_environment
from tests.conftest import RASA, ROOT

sys.path.insert(0, str(ROOT / "bench"))
from name_invariance import measure  # noqa: E402

pytestmark = pytest.mark.model

OTHER_COMPANY = """
app: {name: 云朵钱包, aliases: [云朵, 云朵app]}
products:
  savings: {name: 云朵宝, aliases: [云多宝]}
  pay_later: {name: 云花, aliases: [云花额度]}
  loan: {name: 云借, aliases: [云借款]}
  membership: {name: 云朵会员, aliases: [云朵vip]}
"""
ROUTED = [
    ("云花账户被冻结了 用不了", "account_locked"),
    ("云朵宝提现三天了还没到账", "transfer_failed"),
    ("云借还款扣了钱 账单还显示没还", "billing_issue"),
    ("在云朵app上收不到验证码 号码是对的", "sms_code_delay"),
    ("云朵vip我取消了又扣了一次费", "billing_issue"),
]


def test_inserting_names_never_seen_in_training_keeps_97_percent_of_predictions(model_path):
    result = measure(model_path, ROOT / "tests" / "nlu" / "holdout.yml")
    assert result["unchanged"] >= 0.97, result["flips"][:10]


@pytest.fixture(scope="module")
def other_company_model(tmp_path_factory):
    """The NLU trained as a new company would: its own catalogue, the same training data."""
    folder = tmp_path_factory.mktemp("other-company")
    (folder / "products.yml").write_text(OTHER_COMPANY, encoding="utf-8")
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    for component in config["pipeline"]:
        if component.get("catalogue_path"):
            component["catalogue_path"] = str(folder / "products.yml")
            component["dictionary_path"] = str(ROOT / "data" / "dictionary")
    (folder / "config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = subprocess.run([RASA, "train", "nlu", "--config", str(folder / "config.yml"), "--nlu", "data/nlu",
                             "--out", str(folder), "--fixed-model-name", "other", "--num-threads", "2"],
                            cwd=ROOT, env=training_environment(), capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return folder / "other.tar.gz"


def test_a_swapped_catalogue_routes_the_new_company_s_product_problems(other_company_model):
    from rasa.core.agent import Agent

    agent = Agent.load(str(other_company_model))

    async def intents():
        return [(await agent.parse_message(text))["intent"]["name"] for text, _ in ROUTED]

    assert asyncio.run(intents()) == [intent for _, intent in ROUTED]
