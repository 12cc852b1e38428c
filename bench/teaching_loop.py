"""The console's teaching loop, timed: a first and a later candidate (ten new approved
examples each), and an activation reaching every Rasa worker under `run-prod`.

  python bench/teaching_loop.py                       # both parts, ours and Rasa's way
  python bench/teaching_loop.py --parts candidates --ways ours
  python bench/teaching_loop.py --parts activation --customers 4

Candidates: each way trains in a project copy of its own (symlinks to this
project's data, domain and tests; a cold Rasa training cache, a fresh figure cache
and evaluation embedding cache; the training embedding cache is the project's):

- ``ours``: config.yml as it is (StoredCRFEntityExtractor, its store in the copy)
  and `bot.rasa_ext.candidate_job` (one process, NLU-only batched evaluation);
- ``rasa``: config.yml with Rasa's CRFEntityExtractor, `bot.rasa_ext.train_job`
  (`rasa train`, then Rasa's Agent one message at a time).

The first candidate adds ten approved examples and is compared with the project's
model (newest of models/); the later one adds ten more and is compared with the
first (as if activated). Printed: seconds, and the candidate's held-out accuracy
and real development set "routed right" (measured, never trained on).

Activation: `run-prod` with two workers and ``--customers`` customers talking
(bench/load.py's closed loop); a model is put in the registry and activated, and
each worker's /status is read until it serves it. ``stored-crf`` activates a copy
of a model trained with config.yml (``--model``); ``rasa-crf`` one trained with
Rasa's CRFEntityExtractor (``--rasa-model``), at today's pull interval (5 s) unless
told. Needs PostgreSQL and Redis (TEST_POSTGRES_URL, TEST_REDIS_URL) and nginx.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import closed_loop  # noqa: E402
from bot.processes import training_environment  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.teaching.candidate import JOB_MODULE, job_command, write_training_data  # noqa: E402
from bot.teaching.nlu_export import NluExport  # noqa: E402

STORED_CRF = "bot.rasa_ext.nlu.crf_entity_extractor.StoredCRFEntityExtractor"
# New wordings of customers' problems, as staff would approve them from the inbox
# (none is in data/nlu, tests/nlu/holdout.yml or the real development set).
APPROVED = [
    [("billing_issue", "这个月账单怎么多出来一笔二十八的年费"), ("billing_issue", "我没开通什么服务为啥每月扣我十五块"),
     ("account_locked", "刚换了手机就提示账户存在风险登不进去"), ("account_locked", "密码输错三次现在整个号都锁住了"),
     ("sms_code_delay", "点了获取验证码半天手机也没响"), ("sms_code_delay", "换了新号码以后验证短信一直收不到"),
     ("transfer_failed", "给我妈转的生活费显示处理中已经两天了"),
     ("transfer_failed", "提现到银行卡提示失败钱也没退回来"),
     ("ask_ticket_status", "上周报的问题到底处理到哪一步了"), ("request_human", "别让机器回我了找个真人客服")],
    [("billing_issue", "自动续费又扣了我一次我早就取消了"), ("billing_issue", "账单里有两笔一模一样的扣款"),
     ("account_locked", "登录的时候说我的账户被临时限制了"), ("account_locked", "人脸识别过不去账号被冻住了"),
     ("sms_code_delay", "验证码过了好几分钟才到早就失效了"), ("sms_code_delay", "国外手机号收不到你们的验证码"),
     ("transfer_failed", "转账给朋友对方说一直没收到钱"), ("transfer_failed", "还款显示成功了但是借款那边没销账"),
     ("ask_ticket_status", "我的工单怎么还没人回复"), ("request_human", "麻烦转一下人工我说不清楚")],
]


def export_of(rounds: int) -> NluExport:
    examples: Dict[str, List[str]] = {}
    for batch in APPROVED[:rounds]:
        for intent, text in batch:
            examples.setdefault(intent, []).append(text)
    return NluExport("", examples)


def project_copy(target: Path, way: str) -> Path:
    """A project of its own for one way: its config, Rasa cache and var; the rest linked."""
    target.mkdir(parents=True)
    for name in ("data", "domain.yml", "tests", "models", "endpoints.yml", "credentials.yml"):
        (target / name).symlink_to(ROOT / name)
    (target / "var").mkdir()
    (target / "var" / "embedding_cache.sqlite3").symlink_to((ROOT / "var" / "embedding_cache.sqlite3").resolve())
    config = (ROOT / "config.yml").read_text(encoding="utf-8")
    if way == "rasa":
        config = config.replace(f"name: {STORED_CRF}", "name: CRFEntityExtractor")
    else:
        config = config.replace(f"name: {STORED_CRF}", f"name: {STORED_CRF}\n    store_path: {target / 'var' / 'crf'}")
    (target / "config.yml").write_text(config, encoding="utf-8")
    return target


def run_candidate(project: Path, way: str, rounds: int, active: Optional[Path]) -> Dict[str, Any]:
    settings = Settings.from_env({"VAR_DIR": str(project / "var"),
                                  "REAL_DEV_FILE": str(Settings.from_env().real_dev_file)}, project_dir=project)
    work = Path(tempfile.mkdtemp(prefix="candidate-", dir=project))
    data = write_training_data(project, export_of(rounds), work)
    name = f"console-{way}-{rounds}"
    report = work / "report.json"
    module = JOB_MODULE if way == "ours" else "bot.rasa_ext.train_job"
    settings.candidates_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    process = subprocess.Popen(job_command(settings, data, name, active, report, module), cwd=project,
                               env=training_environment({"PYTHONPATH": str(ROOT)}), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    stages: Dict[str, float] = {}
    tail: List[str] = []
    for line in process.stdout:
        tail = (tail + [line])[-20:]
        if line.startswith("@stage "):
            stages[line.split()[1]] = round(time.perf_counter() - started, 1)
        elif line.startswith("@progress train "):  # a component trained or restored
            stages[f"train-{line.split()[2]}"] = round(time.perf_counter() - started, 1)
    seconds = time.perf_counter() - started
    if process.wait() != 0:
        raise RuntimeError(f"{way} candidate failed: {''.join(tail)}")
    figures = json.loads(report.read_text(encoding="utf-8"))["candidate"]
    found = {name: round(figures[name]["right"] / figures[name]["n"], 3) for name in figures if figures[name]["n"]}
    return {"part": "candidate", "way": way, "which": "first" if rounds == 1 else "later",
            "approved_examples": 10 * rounds, "seconds": round(seconds, 1), "stage_started_s": stages, **found,
            "model": str(settings.candidates_dir / f"{name}.tar.gz")}


def candidates(ways: List[str], workdir: Path) -> List[Dict[str, Any]]:
    project_model = max((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    rows = []
    for way in ways:
        project = project_copy(workdir / way, way)
        first = run_candidate(project, way, 1, project_model)
        print(json.dumps(first, ensure_ascii=False), flush=True)
        later = run_candidate(project, way, 2, Path(first["model"]))
        print(json.dumps(later, ensure_ascii=False), flush=True)
        rows += [first, later]
    return rows


def _model_file(base: str) -> str:
    from tests.support.servers import api

    try:
        with urllib.request.urlopen(base + api("/status"), timeout=10) as response:
            return str(json.loads(response.read().decode("utf-8"))["model_file"])
    except OSError:
        return ""


def activation(label: str, start_model: Path, model: Path, customers: int, pull_seconds: int,
               workdir: Path) -> Dict[str, Any]:
    from bot.storage.engine import make_engine
    from bot.storage.models_registry import ModelRegistry
    from tests.support.prod_profile import start_profile
    from tests.support.services import POSTGRES_URL, REDIS_URL, postgres_database

    workdir.mkdir(parents=True, exist_ok=True)
    conversations = yaml.safe_load((ROOT / "bench" / "conversations.yml").read_text(encoding="utf-8"))["conversations"]
    with postgres_database(POSTGRES_URL, "bot_teaching_bench") as database_url:
        profile = start_profile(workdir, start_model, database_url, REDIS_URL, workers=2,
                                extra_env={"MODEL_PULL_SECONDS": str(pull_seconds), "TICKET_LOCK_LIFETIME": "60"})
        try:
            assert profile.var_dir is not None
            registry = ModelRegistry(make_engine(database_url))
            entry = registry.start("bench", f"v-{label}", 0)
            name = f"console-{entry.id}-{label}.tar.gz"
            (profile.var_dir / "models").mkdir(parents=True, exist_ok=True)
            shutil.copy(model, profile.var_dir / "models" / name)
            registry.finish(entry.id, name, {"candidate": {}}, True)
            stop = threading.Event()
            errors: List[int] = []
            turns: List[int] = []

            def talk() -> None:
                while not stop.is_set():
                    recorder = asyncio.run(closed_loop(f"{profile.url}/webhooks/rest/webhook", conversations,
                                                       customers, 1, 0.0))
                    errors.append(recorder.errors)
                    turns.append(len(recorder.latencies))

            talker = threading.Thread(target=talk)
            if customers:
                talker.start()
                time.sleep(3)
            activated = time.monotonic()
            registry.activate(entry.id, "bench")
            reached: Dict[int, float] = {}
            while len(reached) < 2 and time.monotonic() - activated < 180:
                for i in range(2):
                    if i not in reached and _model_file(profile.worker_url(i)) == name:
                        reached[i] = round(time.monotonic() - activated, 1)
                time.sleep(0.25)
            stop.set()
            if customers:
                talker.join()
        finally:
            profile.stop()
    return {"part": "activation", "model": label, "pull_seconds": pull_seconds, "customers": customers,
            "worker_seconds": [reached.get(i) for i in range(2)], "every_worker_s": max(reached.values(), default=None)
            if len(reached) == 2 else None, "turns": sum(turns), "errors": sum(errors)}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", nargs="+", default=["candidates", "activation"])
    parser.add_argument("--ways", nargs="+", default=["ours", "rasa"])
    parser.add_argument("--customers", type=int, default=4, help="talking during an activation")
    parser.add_argument("--model", type=Path, help="a model of config.yml (default: the newest of models/ with it)")
    parser.add_argument("--rasa-model", type=Path, help="a model with Rasa's CRFEntityExtractor")
    parser.add_argument("--pull-seconds", type=int, default=Settings.model_pull_seconds)
    parser.add_argument("--rasa-pull-seconds", type=int, default=5, help="the pull interval before this change")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="teaching-loop-", dir=os.environ.get("BENCH_TMP")) as tmp:
        workdir = Path(tmp)
        rows = candidates(args.ways, workdir / "candidates") if "candidates" in args.parts else []
        if "activation" in args.parts:
            ours = args.model or next((Path(r["model"]) for r in rows if r["way"] == "ours"), None)
            theirs = args.rasa_model or next((Path(r["model"]) for r in rows if r["way"] == "rasa"), None)
            start = ours or theirs
            if start is None:
                raise SystemExit("--model and/or --rasa-model needed without the candidates part")
            runs = [("stored-crf", ours, args.pull_seconds), ("rasa-crf", theirs, args.rasa_pull_seconds)]
            for i, (label, model, pull) in enumerate(runs):
                if model is not None:
                    row = activation(label, start, model, args.customers, pull, workdir / f"prod-{i}")
                    print(json.dumps(row, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
