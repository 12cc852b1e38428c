"""Who is asking: the staff session (cookie ``console_session``), the CSRF check
on every form, the login and logout pages, and the decorators route handlers
use: `staff_required`, `admin_required`, and `integration_required` for the
JSON API under ``/api/`` (a bearer token; cookies never authorize it, so it
needs no CSRF token).

The login form has no session yet: its CSRF token is a double-submit cookie
(``console_csrf``) repeated in a hidden field.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
import math
import re
import secrets
from functools import wraps
from typing import Any, Callable, Coroutine, Optional
from urllib.parse import urlencode

from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.navigation import safe_next
from bot.console.rendering import render
from bot.console.wording import ConsoleTexts
from bot.storage.staff import USERNAME, BadCredentials, LoginPolicy, LoginThrottled, StaffMember, StaffStore

logger = logging.getLogger(__name__)

SESSION_COOKIE = "console_session"
LOGIN_CSRF_COOKIE = "console_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
API_PREFIX = "/api/"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Polled by the ticket page's script: a lost session is answered in JSON, not with the login page.
JSON_PATHS = re.compile(r"/tickets/[^/]+/messages(/.*)?")
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,64}")

Handler = Callable[..., Coroutine[Any, Any, HTTPResponse]]


def _store(request: Request) -> StaffStore:
    return request.app.ctx.console.stores.staff


def current_staff(request: Request) -> Optional[StaffMember]:
    return getattr(request.ctx, "staff", None)


def client_address(request: Request) -> str:
    """The peer's address (a proxy's forwarded address only when Sanic is told to trust it)."""
    return request.remote_addr or request.ip or "unknown"


def _wording(request: Request) -> ConsoleTexts:
    wording: ConsoleTexts = request.app.ctx.console.wording
    return wording


def forbidden(request: Request, message: Optional[str] = None, status: int = 403) -> HTTPResponse:
    """The refusal page; ``message`` by default: not allowed to open it."""
    return render(request, "forbidden.html", status=status,
                  message=message if message is not None else _wording(request).auth["not_allowed"])


def _same(given: str, expected: str) -> bool:
    return bool(given) and bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def _csrf_ok(request: Request) -> bool:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "") if request.path == "/login" else request.ctx.csrf_token
    given = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD) or ""
    return _same(given, expected)


async def load_session(request: Request) -> Optional[HTTPResponse]:
    """Request middleware: ``request.ctx.staff`` / ``csrf_token`` from the cookie, and
    a 403 for any state-changing request outside the API without the right CSRF token."""
    request.ctx.staff, request.ctx.csrf_token = None, ""
    if request.path.startswith(("/static/", API_PREFIX)) or request.path == "/healthz":
        return None
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        signed_in = await asyncio.to_thread(_store(request).session, token)
        if signed_in is not None:
            request.ctx.staff, request.ctx.csrf_token = signed_in
    if request.method in UNSAFE_METHODS and not _csrf_ok(request):
        logger.warning("console: %s %s refused without a valid CSRF token", request.method, request.path)
        return forbidden(request, _wording(request).auth["stale_form"])
    return None


def set_cookie(request: Request, reply: HTTPResponse, name: str, value: str, path: str = "/",
               max_age: Optional[int] = None) -> None:
    """HttpOnly, SameSite=Lax, and Secure behind TLS."""
    reply.cookies[name] = value
    cookie = reply.cookies[name]
    cookie["path"], cookie["httponly"], cookie["samesite"] = path, True, "Lax"
    if max_age is not None:
        cookie["max-age"] = max_age
    if request.app.ctx.console.settings.console_https or request.scheme == "https":
        cookie["secure"] = True


# -- decorators ------------------------------------------------------------------

def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("Accept", "") or bool(JSON_PATHS.fullmatch(request.path))


def _sign_in_first(request: Request) -> HTTPResponse:
    if wants_json(request):
        return response.json({"error": "not_signed_in", "login": "/login"}, status=401)
    here = request.path + (f"?{request.query_string}" if request.query_string else "")
    return response.redirect("/login?" + urlencode({"next": here}))


def staff_required(handler: Handler) -> Handler:
    """Signed-in staff of any role; others go to the login page (401 JSON for scripts)."""
    @wraps(handler)
    async def wrapper(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        if current_staff(request) is None:
            return _sign_in_first(request)
        return await handler(request, *args, **kwargs)

    return wrapper


def admin_required(handler: Handler) -> Handler:
    """Signed-in admins only; an agent gets a 403 page."""
    @wraps(handler)
    async def wrapper(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        staff = current_staff(request)
        if staff is None:
            return _sign_in_first(request)
        if not staff.is_admin:
            logger.warning("console: %s (agent) refused %s %s", staff.username, request.method, request.path)
            if wants_json(request):
                return response.json({"error": "forbidden"}, status=403)
            return forbidden(request)
        return await handler(request, *args, **kwargs)

    return wrapper


def integration_required(handler: Handler) -> Handler:
    """``Authorization: Bearer <token>`` of an integration -> ``request.ctx.integration``."""
    @wraps(handler)
    async def wrapper(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
        token = token.strip()
        name = None
        if scheme.lower() == "bearer" and token:
            name = await asyncio.to_thread(_store(request).integration_name, token)
        if name is None:
            error = "invalid_token" if token else "missing_token"
            challenge = 'Bearer realm="console"' + (', error="invalid_token"' if token else "")
            return response.json({"error": error}, status=401, headers={"WWW-Authenticate": challenge})
        request.ctx.integration = name
        return await handler(request, *args, **kwargs)

    return wrapper


# -- pages -----------------------------------------------------------------------

def _loggable(username: str) -> str:
    """A typed username, unless it cannot be one (a password typed into the wrong field)."""
    return username if USERNAME.fullmatch(username) else "<not a username>"


def _login_form(request: Request, status: int = 200, error: str = "", username: str = "",
                target: str = "/") -> HTTPResponse:
    token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not TOKEN_SHAPE.fullmatch(token):
        token = secrets.token_urlsafe(32)
    request.ctx.csrf_token = token  # the page's forms carry it as csrf_token
    reply = render(request, "login.html", status=status, error=error, username=username, next=target)
    set_cookie(request, reply, LOGIN_CSRF_COOKIE, token, path="/login")
    return reply


async def login_page(request: Request) -> HTTPResponse:
    target = safe_next(request.args.get("next"))
    if current_staff(request) is not None:
        return response.redirect(target)
    return _login_form(request, target=target)


async def login_submit(request: Request) -> HTTPResponse:
    settings, store = request.app.ctx.console.settings, _store(request)
    username = (request.form.get("username") or "").strip().lower()
    password = request.form.get("password") or ""
    target, address = safe_next(request.form.get("next")), client_address(request)
    policy = LoginPolicy.of(settings.login_max_failures, settings.login_lockout_minutes)
    try:
        member = await asyncio.to_thread(store.authenticate, username, password, address, policy)
    except LoginThrottled as locked:
        logger.warning("console login throttled: %s from %s", _loggable(username), address)
        minutes = max(1, math.ceil(locked.retry_after_seconds / 60))
        reply = _login_form(request, 429, _wording(request).auth["throttled"].format(minutes=minutes), username, target)
        reply.headers["Retry-After"] = str(locked.retry_after_seconds)
        return reply
    except BadCredentials:
        logger.warning("console login failed: %s from %s", _loggable(username), address)
        return _login_form(request, 401, _wording(request).auth["bad_credentials"], username, target)
    previous = request.cookies.get(SESSION_COOKIE)
    if previous:  # a fresh token at every login: no session fixation
        await asyncio.to_thread(store.close_session, previous)
    token, _ = await asyncio.to_thread(store.open_session, member, settings.console_session_hours)
    logger.info("console login: %s (%s) from %s", member.username, member.role, address)
    reply = response.redirect(target)
    set_cookie(request, reply, SESSION_COOKIE, token, max_age=settings.console_session_hours * 3600)
    return reply


async def logout(request: Request) -> HTTPResponse:
    """Only reached with the session's CSRF token (checked by `load_session`)."""
    await asyncio.to_thread(_store(request).close_session, request.cookies.get(SESSION_COOKIE, ""))
    staff = current_staff(request)
    logger.info("console logout: %s", staff.username if staff else "-")
    reply = response.redirect("/login")
    set_cookie(request, reply, SESSION_COOKIE, "", max_age=0)
    return reply


@integration_required
async def whoami(request: Request) -> HTTPResponse:
    """For an integration to check its token."""
    return response.json({"integration": request.ctx.integration})


def register(app: Sanic) -> None:
    app.register_middleware(load_session, "request")
    bp = Blueprint("auth")
    bp.add_route(login_page, "/login", methods=["GET"])
    bp.add_route(login_submit, "/login", methods=["POST"])
    bp.add_route(logout, "/logout", methods=["POST"])
    bp.add_route(whoami, "/api/whoami", methods=["GET"])
    app.blueprint(bp)
