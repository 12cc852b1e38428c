"""The misunderstood inbox (admins): ``GET /inbox?days=7|30`` shows the groups of messages the
bot was unsure of or got wrong (bot.teaching.inbox); ``POST /inbox/groups`` decides for one
group, or the messages ticked in it (``action``): ``approve`` as training examples of an
intent, ``faq_add`` as questions of a knowledge-base entry (a new draft version),
``faq_new`` opens the editor's new-entry form with them, ``ignore``. A decision that
took every message redirects back with a notice; one the leak guard refused in part or
whole shows the page again with each refused message and why.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple
from urllib.parse import urlencode

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.admin_faq import new_entry_form
from bot.console.auth import admin_required, current_staff
from bot.console.faq_editing import EntryInput, EntryNotFound, FaqEditor
from bot.console.inbox_state import parse_keys
from bot.console.rendering import render
from bot.faq.knowledge_base import KnowledgeBaseError
from bot.storage.faq_versions import FaqVersionConflict
from bot.storage.models import NEW_FAQ_QUESTION
from bot.storage.unit_of_work import StoreUnavailable
from bot.teaching.approval import Refused
from bot.teaching.inbox import PERIODS, Inbox, InboxGroup, Outcome, Preparing

logger = logging.getLogger(__name__)

PAGE = "/inbox"
SHOWN = 50  # groups on the page
LISTED = 50  # texts of a group listed to tick
ACTIONS = ("approve", "faq_add", "faq_new", "ignore")


@dataclass(frozen=True)
class TextRow:
    text: str
    keys: str  # every message with this text (space-separated)
    count: int


@dataclass(frozen=True)
class GroupView:
    group: InboxGroup
    rows: Tuple[TextRow, ...]  # distinct texts, newest first
    sources: Tuple[Tuple[str, int], ...]  # (label, messages)
    intent: str  # what the bot (or staff) read, in Chinese; "" when nothing

    @property
    def keys(self) -> str:
        return " ".join(self.group.keys)


def _inbox(request: Request) -> Inbox:
    inbox: Inbox = request.app.ctx.console.inbox
    return inbox


def _texts(request: Request) -> Dict[str, Any]:
    return request.app.ctx.console.texts.raw("inbox")


def _intent_label(request: Request, intent: Optional[str]) -> str:
    return request.app.ctx.console.label("intents", intent) if intent else ""


def _view(request: Request, group: InboxGroup) -> GroupView:
    labels = _texts(request)["sources"]
    by_text: Dict[str, List[str]] = {}
    for message in group.messages:
        by_text.setdefault(message.text, []).append(message.key)
    rows = tuple(TextRow(text, " ".join(keys), len(keys)) for text, keys in list(by_text.items())[:LISTED])
    return GroupView(group, rows, tuple((labels.get(s, s), n) for s, n in group.sources()),
                     _intent_label(request, group.intent()))


def _days(raw: Optional[str]) -> int:
    return int(raw) if raw and raw.isdigit() and int(raw) in PERIODS else PERIODS[0]


def _choices(request: Request) -> List[Any]:
    return [c for c in request.app.ctx.console.teaching.choices if c.name != NEW_FAQ_QUESTION]


def _editor(request: Request) -> FaqEditor:
    editor: FaqEditor = request.app.ctx.console.faq_editor
    return editor


def _faq_entries(request: Request) -> List[Tuple[str, List[Tuple[str, str]]]]:
    """The draft's entries by area: (area name, [(id, first question)])."""
    editor = _editor(request)
    draft = editor.draft()
    console = request.app.ctx.console
    by_area: Dict[str, List[Tuple[str, str]]] = {}
    fill = _inbox(request).vectors.catalogue.fill
    for entry in draft.entries:
        by_area.setdefault(entry["area"], []).append((entry["id"], fill(entry["questions"][0])))
    return [(console.label("faq_areas", area), entries) for area, entries in by_area.items()]


def _refusals(request: Request, refused: Sequence[Refused]) -> List[Tuple[str, str]]:
    reasons = _texts(request)["refused"]
    fill = _inbox(request).vectors.catalogue.fill
    return [(fill(r.text), reasons.get(r.why, r.why)) for r in refused]


async def _page(request: Request, days: int, status: int = 200, flash: str = "", flash_kind: str = "ok",
                refused: Sequence[Refused] = ()) -> HTTPResponse:
    inbox = _inbox(request)
    texts = _texts(request)
    try:
        (groups, preparing), entries = await asyncio.gather(asyncio.to_thread(inbox.groups, days),
                                                            asyncio.to_thread(_faq_entries, request))
    except StoreUnavailable:
        groups, preparing, entries = [], None, []
        flash, flash_kind, status = texts["problems"]["unavailable"], "error", 503
    progress = _progress(texts, preparing)
    return render(request, "inbox.html", status=status, days=days, periods=PERIODS,
                  groups=[_view(request, g) for g in groups[:SHOWN]], hidden=max(0, len(groups) - SHOWN),
                  messages=sum(g.count for g in groups), preparing=progress, intents=_choices(request),
                  entries=entries, flash=flash, flash_kind=flash_kind, refused=_refusals(request, refused))


def _progress(texts: Dict[str, Any], preparing: Optional[Preparing]) -> str:
    if preparing is None:
        return ""
    if preparing.failed:
        return str(texts["preparing_failed"])
    return str(texts["preparing"]).format(total=preparing.total, done=preparing.done)


def _done_notice(request: Request) -> str:
    args, done = request.args, _texts(request)["done"]
    code = args.get("done", "")
    count = args.get("n", "0")
    count = count if count.isdigit() else "0"
    if code == "approved":
        intent = args.get("intent", "")
        if intent in {c.name for c in _choices(request)}:
            return str(done["approved"]).format(count=count, intent=_intent_label(request, intent))
    elif code == "faq_added":
        version = args.get("version", "")
        entry = args.get("entry", "")
        try:
            question = FaqEditor.find(_editor(request).store.version(int(version)), entry)["questions"][0]
        except (ValueError, LookupError):
            return ""
        return str(done["faq_added"]).format(count=count, entry=_inbox(request).vectors.catalogue.fill(question),
                                             version=version)
    elif code == "ignored":
        return str(done["ignored"]).format(count=count)
    return ""


@admin_required
async def inbox_page(request: Request) -> HTTPResponse:
    notice = await asyncio.to_thread(_done_notice, request) if request.args.get("done") else ""
    return await _page(request, _days(request.args.get("days")), flash=notice)


def _back(days: int, **done: Any) -> HTTPResponse:
    return response.redirect(f"{PAGE}?{urlencode({'days': days, **done})}", status=303)


async def _refused_page(request: Request, days: int, outcome: Outcome) -> HTTPResponse:
    problems = _texts(request)["problems"]
    if not outcome.done and not outcome.refused:
        return await _page(request, days, 409, problems["no_messages"], "error")
    if not outcome.done:
        return await _page(request, days, 400, problems["none_kept"], "error", outcome.refused)
    return await _page(request, days, 200, problems["some_refused"], "error", outcome.refused)


@admin_required
async def decide(request: Request) -> HTTPResponse:
    form = request.form
    days = _days(form.get("days"))
    problems = _texts(request)["problems"]
    action = form.get("action") or ""
    try:
        keys = parse_keys(*(form.getlist("pick") or [])) or parse_keys(form.get("keys") or "")
    except ValueError:
        keys = []
    if not keys or action not in ACTIONS:
        return await _page(request, days, 400, problems["bad_form"], "error")
    staff = current_staff(request)
    assert staff is not None
    inbox = _inbox(request)
    try:
        if action == "approve":
            return await _approve(request, days, keys, (form.get("intent") or "").strip(), staff.username)
        if action == "ignore":
            outcome = await asyncio.to_thread(inbox.ignore, keys, staff.username)
            logger.info("inbox: %s ignored %s messages", staff.username, outcome.done)
            return _back(days, done="ignored", n=outcome.done) if outcome.done else \
                await _refused_page(request, days, outcome)
        if action == "faq_add":
            return await _faq_add(request, days, keys, (form.get("entry") or "").strip(), staff.username)
        return await _faq_new(request, days, keys)
    except StoreUnavailable:
        return await _page(request, days, 503, problems["unavailable"], "error")


async def _approve(request: Request, days: int, keys: List[str], intent: str, by: str) -> HTTPResponse:
    problems = _texts(request)["problems"]
    if not intent:
        return await _page(request, days, 400, problems["no_intent"], "error")
    if intent not in {c.name for c in _choices(request)}:
        return await _page(request, days, 400, problems["unknown_intent"], "error")
    outcome = await asyncio.to_thread(_inbox(request).approve, keys, intent, by)
    logger.info("inbox: %s approved %s examples as %s (%s refused)", by, outcome.done, intent, len(outcome.refused))
    if outcome.done and not outcome.refused:
        return _back(days, done="approved", n=outcome.done, intent=intent)
    return await _refused_page(request, days, outcome)


async def _faq_add(request: Request, days: int, keys: List[str], entry_id: str, by: str) -> HTTPResponse:
    problems = _texts(request)["problems"]
    if not entry_id:
        return await _page(request, days, 400, problems["no_entry"], "error")
    editor, inbox = _editor(request), _inbox(request)

    def work() -> Tuple[Outcome, Optional[int]]:
        draft = editor.draft()
        entry = FaqEditor.find(draft, entry_id)
        known = [q for e in draft.entries for q in e["questions"]]
        messages, questions, refused, missing = inbox.questions(keys, known)
        if not questions:
            return Outcome(0, refused, missing), None
        typed = EntryInput("\n".join(list(entry["questions"]) + questions), entry["answer"], entry["area"],
                           bool(entry["urgent"]))
        version = editor.save_entry(draft.number, entry_id, typed, by, f"从未理解消息加入 {len(questions)} 个问法")
        inbox.mark_in_faq(messages, by)
        return Outcome(len(questions), refused, missing), version.number

    try:
        outcome, version = await asyncio.to_thread(work)
    except EntryNotFound:
        return await _page(request, days, 404, problems["unknown_entry"], "error")
    except FaqVersionConflict:
        return await _page(request, days, 409, problems["faq_conflict"], "error")
    except KnowledgeBaseError as error:
        return await _page(request, days, 400, str(error), "error")
    logger.info("inbox: %s added %s questions to FAQ entry %s", by, outcome.done, entry_id)
    if outcome.done and not outcome.refused:
        return _back(days, done="faq_added", n=outcome.done, entry=entry_id, version=version)
    return await _refused_page(request, days, outcome)


async def _faq_new(request: Request, days: int, keys: List[str]) -> HTTPResponse:
    editor, inbox = _editor(request), _inbox(request)

    def work() -> Tuple[List[Any], List[str], List[Refused], int]:
        known = [q for e in editor.draft().entries for q in e["questions"]]
        return inbox.questions(keys, known)

    messages, questions, refused, missing = await asyncio.to_thread(work)
    if not questions:
        return await _refused_page(request, days, Outcome(0, refused, missing))
    carried = " ".join(k for m in messages for k in m.keys)
    return await new_entry_form(request, questions, carried, f"从未理解消息新建（{len(questions)} 个客户问法）")


def register(app: Sanic) -> None:
    app.add_route(inbox_page, PAGE, methods=["GET"], name="inbox_page")
    app.add_route(decide, f"{PAGE}/groups", methods=["POST"], name="inbox_decide")
