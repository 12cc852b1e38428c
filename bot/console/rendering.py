"""Server-rendered pages: Jinja2 with autoescape on, every template gets the
signed-in staff member and the CSRF token of the session."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Optional

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
SHANGHAI = "Asia/Shanghai"


def _local(moment: Optional[datetime], pattern: str = "%m-%d %H:%M") -> str:
    if moment is None:
        return ""
    from dateutil import tz

    return moment.astimezone(tz.gettz(SHANGHAI)).strftime(pattern)


def make_environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(["html"], default_for_string=True, default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["local"] = _local
    return env


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTTPResponse:
    env: Environment = request.app.ctx.templates
    page = env.get_template(template).render(
        staff=getattr(request.ctx, "staff", None),
        csrf_token=getattr(request.ctx, "csrf_token", ""),
        path=request.path, **context)
    return response.html(page, status=status)
