"""Where a form sends staff back to: a path on this site only (no open redirects), and
the ticket page with a fixed notice code (never text taken from the request)."""
from __future__ import annotations

from typing import Optional
from urllib.parse import quote, urlsplit

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse


def safe_next(target: Optional[str]) -> str:
    """``target`` when it is a path on this site, else ``/`` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(c) < 32 or ord(c) == 127 for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path in ("/login", "/logout"):
        return "/"
    return target


def back_to_ticket(request: Request, number: str, notice: str, position: Optional[int] = None) -> HTTPResponse:
    """Back to the ticket page (or to the page the form came from: the queue's ``next``),
    saying ``notice``; ``position``: the transcript message to show (``#m<position>``)."""
    wanted = request.form.get("next") if request.form else None
    target = safe_next(wanted) if wanted else f"/tickets/{quote(number)}"
    sep = "&" if "?" in target else "?"
    anchor = f"#m{position}" if position is not None else ""
    return response.redirect(f"{target}{sep}notice={notice}{anchor}", status=303)
