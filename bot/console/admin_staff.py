"""Admin pages: staff accounts (/admin/staff) and integration tokens (/admin/tokens).

Every change is a form post answered with a redirect (the page then says what
was done); a refused change shows the page again with the reason. An admin
cannot deactivate or demote themselves, so there is always someone to let
people back in.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Mapping, Optional

from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import admin_required, current_staff, forbidden
from bot.console.rendering import render
from bot.storage.models import ROLES
from bot.storage.staff import InvalidStaffInput, StaffMember, StaffNotFound, StaffStore

logger = logging.getLogger(__name__)

PROBLEMS = {
    "username": "用户名须为 2–32 位小写字母、数字或 _ . -",
    "taken": "该用户名已被使用",
    "display_name": "请填写显示名称（最多 100 个字符）",
    "role": "角色无效",
    "password": "密码至少需要 10 个字符",
    "token_name": "名称须为 2–64 位字母、数字或 _ . -",
    "token_taken": "该名称已有有效令牌，请先撤销",
}
DONE = {
    "added": "已添加员工。",
    "role": "角色已修改。",
    "deactivated": "账号已停用，该员工的登录已全部结束。",
    "reactivated": "账号已恢复。",
    "password": "密码已重置，该员工需要用新密码重新登录。",
    "revoked": "令牌已撤销。",
}
NOT_SELF = {"deactivate": "不能停用自己的账号。", "demote": "不能取消自己的管理员权限。"}
NO_SUCH_STAFF = "找不到这位员工。"


def _store(request: Request) -> StaffStore:
    return request.app.ctx.console.stores.staff


def _me(request: Request) -> StaffMember:
    staff = current_staff(request)
    assert staff is not None  # admin_required ran first
    return staff


def _field(request: Request, name: str) -> str:
    return (request.form.get(name) or "").strip()


def _done(path: str, what: str) -> HTTPResponse:
    return response.redirect(f"{path}?done={what}")


async def _staff_page(request: Request, status: int = 200, error: str = "",
                      entered: Optional[Mapping[str, str]] = None) -> HTTPResponse:
    members = await asyncio.to_thread(_store(request).list_staff)
    notice = error or DONE.get(request.args.get("done", ""), "")
    return render(request, "admin_staff.html", status=status, members=members, roles=ROLES,
                  me=_me(request), entered=entered or {}, flash=notice, flash_kind="error" if error else "ok")


async def _tokens_page(request: Request, status: int = 200, error: str = "", **context: Any) -> HTTPResponse:
    tokens = await asyncio.to_thread(_store(request).list_integration_tokens)
    notice = error or DONE.get(request.args.get("done", ""), "")
    return render(request, "admin_tokens.html", status=status, tokens=tokens,
                  flash=notice, flash_kind="error" if error else "ok", **context)


# -- staff --------------------------------------------------------------------

@admin_required
async def staff_list(request: Request) -> HTTPResponse:
    return await _staff_page(request)


@admin_required
async def staff_add(request: Request) -> HTTPResponse:
    entered = {name: _field(request, name) for name in ("username", "display_name", "role")}
    try:
        member = await asyncio.to_thread(_store(request).add, entered["username"], entered["display_name"],
                                         entered["role"] or "agent", request.form.get("password") or "")
    except InvalidStaffInput as error:
        return await _staff_page(request, 400, PROBLEMS[error.problem], entered)
    logger.info("console admin %s added %s (%s)", _me(request).username, member.username, member.role)
    return _done("/admin/staff", "added")


async def _change(request: Request, staff_id: int, action: str, work: Any, *args: Any) -> HTTPResponse:
    try:
        member = await asyncio.to_thread(work, staff_id, *args)
    except InvalidStaffInput as error:
        return await _staff_page(request, 400, PROBLEMS[error.problem])
    except StaffNotFound:
        return forbidden(request, NO_SUCH_STAFF, status=404)
    logger.info("console admin %s: %s %s", _me(request).username, action, member.username)
    return _done("/admin/staff", action)


@admin_required
async def staff_role(request: Request, staff_id: int) -> HTTPResponse:
    role = _field(request, "role")
    if staff_id == _me(request).id and role != "admin":
        return await _staff_page(request, 400, NOT_SELF["demote"])
    return await _change(request, staff_id, "role", _store(request).set_role, role)


@admin_required
async def staff_active(request: Request, staff_id: int) -> HTTPResponse:
    active = _field(request, "active") == "1"
    if staff_id == _me(request).id and not active:
        return await _staff_page(request, 400, NOT_SELF["deactivate"])
    return await _change(request, staff_id, "reactivated" if active else "deactivated",
                         _store(request).set_active, active)


@admin_required
async def staff_password(request: Request, staff_id: int) -> HTTPResponse:
    return await _change(request, staff_id, "password", _store(request).set_password,
                         request.form.get("password") or "")


# -- integration tokens ---------------------------------------------------------

@admin_required
async def token_list(request: Request) -> HTTPResponse:
    return await _tokens_page(request)


@admin_required
async def token_create(request: Request) -> HTTPResponse:
    """The token is shown on this one answer and never again (only its hash is kept)."""
    name = _field(request, "name")
    try:
        token = await asyncio.to_thread(_store(request).create_integration_token, name)
    except InvalidStaffInput as error:
        return await _tokens_page(request, 400, PROBLEMS[error.problem], entered_name=name)
    logger.info("console admin %s created the integration token %s", _me(request).username, name)
    return await _tokens_page(request, new_token=token, new_name=name)


@admin_required
async def token_revoke(request: Request) -> HTTPResponse:
    name = _field(request, "name")
    if await asyncio.to_thread(_store(request).revoke_integration_token, name):
        logger.info("console admin %s revoked the integration token %s", _me(request).username, name)
    return _done("/admin/tokens", "revoked")


def register(app: Sanic) -> None:
    bp = Blueprint("admin_staff")
    bp.add_route(staff_list, "/admin/staff", methods=["GET"])
    bp.add_route(staff_add, "/admin/staff", methods=["POST"])
    bp.add_route(staff_role, "/admin/staff/<staff_id:int>/role", methods=["POST"])
    bp.add_route(staff_active, "/admin/staff/<staff_id:int>/active", methods=["POST"])
    bp.add_route(staff_password, "/admin/staff/<staff_id:int>/password", methods=["POST"])
    bp.add_route(token_list, "/admin/tokens", methods=["GET"])
    bp.add_route(token_create, "/admin/tokens", methods=["POST"])
    bp.add_route(token_revoke, "/admin/tokens/revoke", methods=["POST"])
    app.blueprint(bp)
