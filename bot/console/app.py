"""``create_app(settings) -> Sanic``: the staff console.

`Console.build` opens the databases and builds every area's state; routes live in
one module per concern (auth, queue, tickets, admin, api), each registering its
routes here; errors become answers in one place (bot.console.errors). Static files
are ours (no CDN).
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console import errors
from bot.console.context import Console, warm_up
from bot.console.rendering import STATIC, make_environment
from bot.settings import Settings

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "style-src 'self'; script-src 'self'; frame-ancestors 'none'",
}


def _register_routes(app: Sanic) -> None:
    """Every route module's ``register(app)``: routes only, reading ``app.ctx.console``.
    model_server is the Rasa workers' (a token, not a staff session)."""
    from bot.console import (
        admin_canned,
        admin_faq,
        admin_models,
        admin_staff,
        api,
        auth,
        corrections,
        inbox,
        live,
        model_server,
        queue,
        reports,
        suggestions,
        tickets,
    )

    for module in (auth, admin_staff, tickets, queue, admin_canned, suggestions, api, corrections, reports, live,
                   admin_faq, admin_models, inbox, model_server):
        module.register(app)


def create_app(settings: Settings, credentials_file: Optional[Path] = None, name: str = "staff_console",
               console: Optional[Console] = None) -> Sanic:
    """``console``: built here from ``settings`` unless given (tests pass their own)."""
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = settings.request_max_bytes
    app.config.FORWARDED_SECRET = None
    if settings.proxies_count:  # the client's address (login throttling) from X-Forwarded-For
        app.config.PROXIES_COUNT = settings.proxies_count
    app.ctx.console = console or Console.build(settings, credentials_file or settings.project_dir / "credentials.yml")
    app.ctx.templates = make_environment()
    app.static("/static", str(STATIC), name="static")
    _register_routes(app)
    errors.register(app)

    @app.get("/healthz")
    async def healthz(request: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.after_server_start
    async def load_redactor(app: Sanic, loop: object) -> None:
        app.add_task(asyncio.to_thread(warm_up), name="warm_up")

    @app.after_server_stop
    async def close_clients(app: Sanic, loop: object) -> None:
        await app.ctx.console.close()

    @app.on_response
    async def security_headers(request: Request, reply: HTTPResponse) -> None:
        for key, value in SECURITY_HEADERS.items():
            reply.headers.setdefault(key, value)
        if request.path.startswith("/static/"):
            reply.headers.setdefault("Cache-Control", "public, max-age=3600")
        else:
            reply.headers.setdefault("Cache-Control", "no-store")

    return app
