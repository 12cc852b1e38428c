"""The admins' model page ``/admin/models``: train a candidate from the approved
examples, read its gate report, activate it (or, when the gate failed, activate it
anyway with a written reason), go back to the previous model in one click.

``POST /admin/models/train`` starts the training in the background
(`bot.teaching.candidate.CandidateTrainer`); ``GET /admin/models/progress`` is
what the page's script polls; ``POST /admin/models/<id>/activate`` and
``POST /admin/models/rollback`` change the active model, which every Rasa
worker pulls within ``MODEL_PULL_SECONDS`` (`bot.console.model_server`).
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Dict, Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import admin_required, current_staff
from bot.console.model_server import model_registry
from bot.console.rendering import render
from bot.storage.models_registry import (
    MAX_REASON,
    PROJECT_MODEL_AUTHOR,
    ModelEntry,
    RegistryRefused,
    RegistryUnavailable,
)
from bot.storage.unit_of_work import StoreUnavailable
from bot.teaching.candidate import CandidateTrainer, Progress
from bot.teaching.gate import GateReport, report_of

logger = logging.getLogger(__name__)

PAGE = "/admin/models"
STAGES = {"idle": "空闲", "prepare": "准备数据", "train": "训练", "evaluate": "评估", "done": "已完成",
          "failed": "训练失败"}
STATUSES = {"training": "训练中", "ready": "待启用", "failed": "训练失败", "active": "使用中", "retired": "已停用"}
SETS = {"holdout": "留出测试集", "real_dev": "真实客户开发集", "approved": "新批准的例句"}
MISSING = {"holdout": "留出测试集不可用，未评估。", "real_dev": "真实客户开发集不可用，门槛只看留出测试集。",
           "approved": "没有新批准的例句。"}
DONE = {"started": "已开始训练候选模型。", "activated": "已启用该模型，各机器人进程将在一分钟内换用。",
        "rolled_back": "已回滚到上一个模型，各机器人进程将在一分钟内换用。"}
REFUSED = {"busy": "已有一个训练在进行，请等它完成。", "gate_failed": "该模型未通过门槛：如仍要启用，请填写理由。",
           "not_ready": "该模型还不能启用。", "unknown_model": "没有这个模型。",
           "no_previous": "没有可回滚的上一个模型。"}


@dataclass(frozen=True)
class EntryShown:
    entry: ModelEntry
    status: str  # in Chinese
    gate: Optional[GateReport]


def trainer(app: Sanic) -> CandidateTrainer:
    found: CandidateTrainer = app.ctx.console.models.trainer
    return found


def _shown(entry: ModelEntry) -> EntryShown:
    return EntryShown(entry, STATUSES.get(entry.status, entry.status), report_of(entry.figures))


def _progress_json(progress: Progress) -> Dict[str, Any]:
    return {"stage": progress.stage, "label": STAGES.get(progress.stage, ""), "percent": progress.percent,
            "running": progress.running, "model": progress.model_id}


async def _page(request: Request, status: int = 200, error: str = "", reason: str = "") -> HTTPResponse:
    registry = model_registry(request.app)
    staff = request.app.ctx.console.stores.staff
    try:
        entries, active, previous, members = await asyncio.gather(
            asyncio.to_thread(registry.recent, 20), asyncio.to_thread(registry.active),
            asyncio.to_thread(registry.previous), asyncio.to_thread(staff.list_staff))
    except StoreUnavailable:  # the registry's or the staff accounts' database
        return render(request, "admin_models.html", status=503, entries=[], latest=None, active=None,
                      previous=None, progress=_progress_json(trainer(request.app).progress), labels=_labels(request),
                      flash="数据库暂时不可用，请稍后重试。", flash_kind="error", reason="", max_reason=MAX_REASON,
                      names={})
    shown = [_shown(e) for e in entries if not e.from_project]
    latest = next((s for s in shown if s.entry.status in ("ready", "failed", "training")), None)
    notice = error or DONE.get(request.args.get("done", ""), "")
    return render(request, "admin_models.html", status=status, entries=shown, latest=latest,
                  active=_shown(active) if active else None, previous=previous,
                  progress=_progress_json(trainer(request.app).progress), labels=_labels(request),
                  flash=notice, flash_kind="error" if error else "ok", reason=reason, max_reason=MAX_REASON,
                  names={m.username: m.display_name for m in members})


def _labels(request: Request) -> Dict[str, Any]:
    console = request.app.ctx.console
    return {"sets": SETS, "missing": MISSING, "intent": lambda name: console.label("intents", name)}


@admin_required
async def models_page(request: Request) -> HTTPResponse:
    return await _page(request)


@admin_required
async def progress(request: Request) -> HTTPResponse:
    return response.json(_progress_json(trainer(request.app).progress), ensure_ascii=False)


@admin_required
async def train(request: Request) -> HTTPResponse:
    staff = current_staff(request)
    assert staff is not None
    try:
        entry = await trainer(request.app).start(staff.username)
    except RegistryRefused as refused:
        return await _page(request, 409, REFUSED.get(refused.problem, REFUSED["busy"]))
    except RegistryUnavailable:
        return await _page(request, 503, "数据库暂时不可用，请稍后重试。")
    logger.info("console admin %s: training candidate %s", staff.username, entry.id)
    return response.redirect(f"{PAGE}?done=started", status=303)


async def _activate(request: Request, model_id: int, done: str, reason: Optional[str]) -> HTTPResponse:
    staff = current_staff(request)
    assert staff is not None
    try:
        entry = await asyncio.to_thread(_activate_recorded, request.app, model_id, staff.username, reason)
    except RegistryRefused as refused:
        status = 404 if refused.problem == "unknown_model" else 400
        return await _page(request, status, REFUSED.get(refused.problem, REFUSED["not_ready"]), reason or "")
    except RegistryUnavailable:
        return await _page(request, 503, "数据库暂时不可用，请稍后重试。")
    logger.info("console admin %s: model %s activated (%s)%s", staff.username, entry.id, done,
                " despite the gate, with a written reason" if entry.gate_passed is False and reason else "")
    return response.redirect(f"{PAGE}?done={done}", status=303)


@admin_required
async def activate(request: Request, model_id: int) -> HTTPResponse:
    reason = (request.form.get("reason") or "").strip()
    if len(reason) > MAX_REASON:
        return await _page(request, 400, f"理由最多 {MAX_REASON} 个字。", reason)
    return await _activate(request, model_id, "activated", reason or None)


@admin_required
async def rollback(request: Request) -> HTTPResponse:
    previous = await asyncio.to_thread(_previous, request.app)
    if previous is None:
        return await _page(request, 400, REFUSED["no_previous"])
    return await _activate(request, previous.id, "rolled_back", None)


def _previous(app: Sanic) -> Optional[ModelEntry]:
    return model_registry(app).previous()


def _activate_recorded(app: Sanic, model_id: int, by: str, reason: Optional[str]) -> ModelEntry:
    """Before the first activation in the console, the model serving until then (the
    newest of the project's models) becomes an entry, active, so that it stays one
    click away (rollback) once the candidate replaced it (blocking)."""
    from bot.teaching.active_model import newest_project_model

    registry = model_registry(app)
    if registry.active() is None:
        project = newest_project_model(app.ctx.console.settings)
        if project is not None:
            registry.activate(registry.register_project_model(project.name).id, PROJECT_MODEL_AUTHOR)
    return registry.activate(model_id, by, reason)


def register(app: Sanic) -> None:
    app.add_route(models_page, PAGE, methods=["GET"], name="admin_models")
    app.add_route(progress, f"{PAGE}/progress", methods=["GET"], name="admin_models_progress")
    app.add_route(train, f"{PAGE}/train", methods=["POST"], name="admin_models_train")
    app.add_route(activate, f"{PAGE}/<model_id:int>/activate", methods=["POST"], name="admin_models_activate")
    app.add_route(rollback, f"{PAGE}/rollback", methods=["POST"], name="admin_models_rollback")

