"""Errors become answers here, through Sanic's exception handlers: one mapping per
surface, so a route handler lets a ticket's, Rasa's or the database's failure rise.

- the JSON API (``/api/``): ``{"error": code, "message": <Chinese>}`` with the code's status;
- the pages' scripts (JSON feeds): ``{"error", "message"}``, 404 or 503;
- a form about a ticket: back to the ticket page with a notice code (an unknown ticket: 404);
- a page: the not-found page, or a page saying the database is unavailable (503).
"""
from __future__ import annotations

import logging
import re
from typing import Dict, Optional, Tuple, Type

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import API_PREFIX, forbidden, wants_json
from bot.console.navigation import back_to_ticket
from bot.console.rasa_api import RasaUnavailable
from bot.console.rendering import render
from bot.console.takeover import EmptyMessage
from bot.console.wording import ConsoleTexts
from bot.storage.desk import TicketClosed, TicketNotFound, TicketOwnedByOther
from bot.storage.unit_of_work import StoreUnavailable

logger = logging.getLogger(__name__)

# What the pages' scripts poll: answered in JSON whatever they accept.
FEEDS = re.compile(r"/live/.*|/tickets/[^/]+/(messages|suggestions)")


class BadRequest(ValueError):
    """Input the JSON API refuses: answered with ``status`` and the code's message."""

    def __init__(self, code: str, status: int = 400) -> None:
        super().__init__(code)
        self.code = code
        self.status = status


# The JSON API: exception -> (status, error code).
API_ERRORS: Dict[Type[Exception], Tuple[int, str]] = {
    TicketNotFound: (404, "not_found"),
    TicketClosed: (409, "closed"),
    EmptyMessage: (400, "empty"),
    RasaUnavailable: (503, "rasa_unavailable"),
    StoreUnavailable: (503, "db_unavailable"),
}
# A form about a ticket: exception -> the notice the ticket page shows.
FORM_NOTICES: Dict[Type[Exception], str] = {
    TicketClosed: "closed",
    TicketOwnedByOther: "owned_by_other",
    EmptyMessage: "empty",
    RasaUnavailable: "rasa_down",
    StoreUnavailable: "db_down",
}
HANDLED = (BadRequest, TicketNotFound, TicketClosed, TicketOwnedByOther, EmptyMessage, RasaUnavailable,
           StoreUnavailable)


def _found(table: Dict[Type[Exception], Tuple[int, str]], error: Exception) -> Optional[Tuple[int, str]]:
    return next((table[kind] for kind in type(error).__mro__ if kind in table), None)


def _wording(request: Request) -> ConsoleTexts:
    wording: ConsoleTexts = request.app.ctx.console.wording
    return wording


def _log(request: Request, error: Exception) -> None:
    number = request.match_info.get("number", "-")
    if isinstance(error, RasaUnavailable):
        logger.warning("%s %s (ticket %s): Rasa unavailable: %s", request.method, request.path, number, error)
    elif isinstance(error, StoreUnavailable):
        logger.error("%s %s (ticket %s): the database is unavailable: %s", request.method, request.path, number,
                     error)


def api_error(request: Request, error: Exception) -> HTTPResponse:
    if isinstance(error, BadRequest):
        status, code = error.status, error.code
    else:
        status, code = _found(API_ERRORS, error) or (500, "internal")
    _log(request, error)
    return response.json({"error": code, "message": _wording(request).api[code]}, status=status,
                         ensure_ascii=False)


def page_error(request: Request, error: Exception) -> HTTPResponse:
    """A page's, a form's or a page script's answer to ``error``."""
    _log(request, error)
    errors = _wording(request).errors
    number = request.match_info.get("number")
    if wants_json(request) or FEEDS.fullmatch(request.path):
        if isinstance(error, TicketNotFound):
            return response.json({"error": "not_found", "message": errors["no_ticket"]}, status=404,
                                 ensure_ascii=False)
        return response.json({"error": "db_unavailable", "message": errors["db_unavailable"]}, status=503,
                             ensure_ascii=False)
    if request.method == "POST" and number is not None:
        if isinstance(error, TicketNotFound):
            return response.text(errors["no_ticket"], status=404)
        notice = next((FORM_NOTICES[kind] for kind in type(error).__mro__ if kind in FORM_NOTICES), "db_down")
        return back_to_ticket(request, number, notice, _position(request))
    if isinstance(error, TicketNotFound):
        return render(request, "not_found.html", status=404, number=number)
    if number is not None:
        return render(request, "not_found.html", status=503, number=number, unavailable=True)
    return forbidden(request, errors["queue_unavailable"], status=503)


def _position(request: Request) -> Optional[int]:
    """The transcript message a correction form was about (shown again)."""
    raw = request.form.get("position") if request.form else None
    return int(raw) if raw and raw.isdigit() else None


def answer(request: Request, error: Exception) -> HTTPResponse:
    """The one exception handler: the JSON API's mapping, or the pages'."""
    if request.path.startswith(API_PREFIX):
        return api_error(request, error)
    return page_error(request, error)


def register(app: Sanic) -> None:
    for kind in HANDLED:
        app.error_handler.add(kind, answer)
