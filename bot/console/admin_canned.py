"""Canned replies: ``GET /canned.json`` for the ticket page's reply box and its picker,
the read-only list ``/canned`` (any staff), and the admin page ``/admin/canned``
to add, edit and delete them.

Every change is a form post answered with a redirect; a refused one (400) shows
the page again with the reason and the admin's input still in the form.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable, Mapping, Optional

from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import admin_required, current_staff, staff_required
from bot.console.canned import MAX_CODE, MAX_TEXT, MAX_TITLE, CannedLibrary, CannedReply, CannedReplyError
from bot.console.rendering import render

logger = logging.getLogger(__name__)

PAGE = "/admin/canned"
LIST = "/canned"
DONE = {"added": "已添加快捷回复。", "saved": "已保存修改。", "deleted": "已删除快捷回复。"}
BROKEN_FILE = "快捷回复文件有误，请先修正 {path}：{error}"


def library(app: Sanic) -> CannedLibrary:
    """The console's canned replies."""
    canned: CannedLibrary = app.ctx.console.canned
    return canned


def _field(request: Request, name: str) -> str:
    return request.form.get(name) or ""


def _entered(request: Request) -> CannedReply:
    return CannedReply.entered(_field(request, "code"), _field(request, "title"), _field(request, "text"))


async def _page(request: Request, status: int = 200, error: str = "", form: str = "",
                entered: Optional[Mapping[str, str]] = None) -> HTTPResponse:
    """``form``: which form the refused input came from ("add", or the original code)."""
    canned = library(request.app)
    try:
        replies = await asyncio.to_thread(canned.replies)
    except CannedReplyError as broken:
        replies, error = (), BROKEN_FILE.format(path=canned.path.name, error=broken)
        status = max(status, 500)
    notice = error or DONE.get(request.args.get("done", ""), "")
    return render(request, "admin_canned.html", status=status, replies=replies, form=form,
                  entered=entered or {}, flash=notice, flash_kind="error" if error else "ok",
                  limits={"code": MAX_CODE, "title": MAX_TITLE, "text": MAX_TEXT})


async def _change(request: Request, done: str, form: str, work: Callable[..., None], *args: Any) -> HTTPResponse:
    try:
        await asyncio.to_thread(work, *args)
    except CannedReplyError as error:
        entered = {name: _field(request, name) for name in ("code", "title", "text")}
        return await _page(request, 400, str(error), form, entered)
    staff = current_staff(request)
    logger.info("console admin %s: canned reply %s", staff.username if staff else "-", done)
    return response.redirect(f"{PAGE}?done={done}", status=303)


@staff_required
async def canned_json(request: Request) -> HTTPResponse:
    """The replies with the app's names filled in, as the reply box inserts them."""
    try:
        replies = await asyncio.to_thread(library(request.app).filled)
    except CannedReplyError as error:
        logger.error("console: canned replies unusable: %s", error)
        return response.json({"error": "canned_replies_invalid", "replies": []}, status=500)
    return response.json({"replies": [{"code": r.code, "title": r.title, "text": r.text} for r in replies]},
                         ensure_ascii=False)


@staff_required
async def canned_read(request: Request) -> HTTPResponse:
    """Every reply as staff send it (names filled), for agents to read; admins edit at PAGE."""
    error = ""
    try:
        replies = await asyncio.to_thread(library(request.app).filled)
    except CannedReplyError as broken:
        logger.error("console: canned replies unusable: %s", broken)
        replies, error = [], "快捷回复文件有误，请联系管理员修正。"
    return render(request, "canned.html", status=500 if error else 200, replies=replies,
                  flash=error, flash_kind="error")


@admin_required
async def canned_list(request: Request) -> HTTPResponse:
    return await _page(request)


@admin_required
async def canned_add(request: Request) -> HTTPResponse:
    return await _change(request, "added", "add", library(request.app).add, _entered(request))


@admin_required
async def canned_edit(request: Request) -> HTTPResponse:
    original = _field(request, "original").strip()
    return await _change(request, "saved", original, library(request.app).update, original, _entered(request))


@admin_required
async def canned_delete(request: Request) -> HTTPResponse:
    code = _field(request, "code").strip()
    return await _change(request, "deleted", code, library(request.app).remove, code)


def register(app: Sanic) -> None:
    bp = Blueprint("admin_canned")
    bp.add_route(canned_json, "/canned.json", methods=["GET"])
    bp.add_route(canned_read, LIST, methods=["GET"])
    bp.add_route(canned_list, PAGE, methods=["GET"])
    bp.add_route(canned_add, PAGE, methods=["POST"])
    bp.add_route(canned_edit, f"{PAGE}/edit", methods=["POST"])
    bp.add_route(canned_delete, f"{PAGE}/delete", methods=["POST"])
    app.blueprint(bp)
