"""The console's model page and model server, as a real process on a database of its
own, without a training (tests/browser/test_console_models.py trains one): the token
on the model route, ETags, the admins-only page, the gate's report, activation with
and without a written reason, rollback."""
from __future__ import annotations

import shutil
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, Iterator, Optional, Tuple

import pytest

from bot.storage.engine import make_engine
from bot.storage.models_registry import ModelRegistry
from bot.teaching.active_model import model_etag
from tests.support.console import ConsoleServer, start_console
from tests.support.servers import ROOT
from tests.support.staff_text import codes_in, page_text

TOKEN = "module-model-server-token-0123456789"
DROPPED = {"holdout": {"n": 10, "right": 9, "per_intent": {"billing_issue": [4, 5], "inform": [5, 5]},
                       "confusions": {"billing_issue>inform": 1}},
           "approved": {"n": 2, "right": 0, "per_intent": {"billing_issue": [0, 2]},
                        "confusions": {"billing_issue>inform": 2}}}
WORSE = {"holdout": {"n": 10, "right": 7, "per_intent": {"billing_issue": [3, 5], "inform": [4, 5]},
                     "confusions": {"billing_issue>inform": 2, "inform>billing_issue": 1}},
         "approved": {"n": 2, "right": 2, "per_intent": {"billing_issue": [2, 2]}, "confusions": {}}}


@pytest.fixture(scope="module")
def console(tmp_path_factory) -> Iterator[ConsoleServer]:
    work = tmp_path_factory.mktemp("console-models")
    with start_console(work, env={"MODEL_SERVER_TOKEN": TOKEN, "REAL_DEV_FILE": str(work / "absent.tsv")}) as server:
        yield server


def newest_project_model():
    return max((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)


def pull(console: ConsoleServer, token: Optional[str] = TOKEN, etag: Optional[str] = None) -> Tuple[int, Dict, bytes]:
    url = f"{console.url}/models/active.tar.gz" + (f"?token={token}" if token is not None else "")
    request = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def candidate(console: ConsoleServer, figures: Dict, passed: bool, by: str = "lead") -> int:
    registry = ModelRegistry(make_engine(console.database_url))
    entry = registry.start(by, "0123456789abcdef", 2)
    name = f"console-{entry.id}-test.tar.gz"
    folder = Path(console.process.env["VAR_DIR"]) / "models"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(newest_project_model(), folder / name)
    registry.finish(entry.id, name, {"candidate": figures, "active": DROPPED,
                                     "tolerance": {"overall": 0.01, "intent": 0.05}}, passed)
    return entry.id


@pytest.mark.parametrize("token", [None, "", "wrong-token-0123456789"], ids=["none", "empty", "wrong"])
def test_the_model_route_needs_the_token(console, token):
    status, _, body = pull(console, token)
    assert status == 403 and b".tar.gz" not in body


def test_the_active_model_is_the_newest_project_model_until_one_is_activated(console):
    project = newest_project_model()
    status, headers, body = pull(console)
    assert status == 200 and headers["ETag"] == model_etag(project.name) and body == project.read_bytes()
    assert pull(console, etag=headers["ETag"])[0] == 304


def test_the_page_is_for_admins_and_forms_need_their_token(console):
    agent, _ = console.signed_in("agent")
    assert agent.get("/admin/models").status == 403
    assert agent.post_form("/admin/models/train", {}, with_csrf=False).status == 403
    admin, _ = console.signed_in("admin")
    page = admin.get("/admin/models")
    assert page.status == 200 and "初始模型" in page.body and "训练候选模型" in page.body
    assert admin.post_form("/admin/models/train", {}, with_csrf=False).status == 403
    assert admin.post_form("/admin/models/999/activate", {}).status == 404


def test_a_failed_gate_needs_a_reason_then_activation_and_rollback_reach_the_model_route(console):
    admin, login = console.signed_in("admin")
    model_id = candidate(console, WORSE, passed=False, by=login.username)
    page = admin.get("/admin/models")
    assert f"{login.member.display_name} 于" in page.body and login.username not in page.body.split("<main")[1]
    assert "门槛：未通过" in page.body and "超出容差" in page.body
    assert "账单/扣费" in page.body and "补充信息" in page.body  # intents in the console's words
    assert "应为“补充信息”却认成“账单/扣费”：0 次 → 1 次" in page.body
    assert "真实客户开发集不可用" in page.body
    for word in (".tar.gz", "data/nlu", "git", "make "):
        assert word not in page.body
    assert codes_in(page_text(page.body)) == []  # no snake_case name, no payload: Chinese only
    refused = admin.post_form(f"/admin/models/{model_id}/activate", {"reason": "  "})
    assert refused.status == 400 and "请填写理由" in refused.body
    assert pull(console)[1]["ETag"] == model_etag(newest_project_model().name)

    answer = admin.post_form(f"/admin/models/{model_id}/activate", {"reason": "节前话术急需上线，三条已人工复核"})
    assert answer.status == 303
    status, headers, _ = pull(console, etag=model_etag(newest_project_model().name))
    assert status == 200 and headers["ETag"] == model_etag(f"console-{model_id}-test.tar.gz")
    page = admin.get("/admin/models")
    assert "已说明理由启用：节前话术急需上线，三条已人工复核" in page.body
    registry = ModelRegistry(make_engine(console.database_url))
    assert registry.activations()[0].activated_by == login.username

    assert admin.post_form("/admin/models/rollback", {}).status == 303
    assert pull(console)[1]["ETag"] == model_etag(newest_project_model().name)
    assert admin.post_form(f"/admin/models/{model_id}/activate", {}).status == 303  # a model used before: no gate
