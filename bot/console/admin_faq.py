"""The knowledge-base editor (admins): ``/admin/faq``.

Entries of the draft (the newest version) with their questions, answer, area and
urgent flag; each save is a new version (who, when, what changed); "which entry
would answer this?" runs the bot's own search on the draft; 发布 publishes the
draft, and the running bot answers from it at once (bot.faq.lookup polls the
published version); the history shows every version's changes and rolls back to any.
Forms post and redirect; a refused change (400, 404, 409) shows the form again with
the reason and what the admin typed.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable, Dict, List, Optional

from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import admin_required, current_staff, forbidden
from bot.console.faq_editing import EntryInput, EntryNotFound, FaqEditor
from bot.console.faq_try import DraftSearch, TryResult
from bot.console.rasa_api import RasaUnavailable
from bot.console.rendering import render
from bot.faq.changes import diff_entries
from bot.faq.knowledge_base import KnowledgeBaseError
from bot.faq.lookup import BELOW_THRESHOLD, NO_KNOWN_TERMS, NOT_COVERED, NOT_FOR_FAQ, URGENT
from bot.storage.faq_versions import FaqVersionConflict, FaqVersionNotFound, Version

logger = logging.getLogger(__name__)

PAGE = "/admin/faq"
MAX_TRY = 500
DONE = {"saved": "已保存为草稿，发布后机器人才会使用。", "added": "已新增条目（草稿）。",
        "added_from_inbox": "已新增条目（草稿），相关消息已移出未理解消息；发布后机器人才会使用。",
        "deleted": "已删除条目（草稿）。", "published": "已发布，机器人现在按新版本回答。",
        "rolled_back": "已回滚并发布，机器人现在按该版本回答。"}
CONFLICT = "有人在您编辑期间保存了新的版本。请刷新页面，在最新版本上重新修改。"
NO_ENTRY = "找不到这个条目（可能已被删除）。"
NO_VERSION = "找不到这个版本。"
BAD_BASE = "表单已过期，请刷新页面后重试。"
PREPARING = "正在为这个版本准备检索（修改后第一次试用需要几十秒），请稍后再点“试一试”。"
NOT_ANSWERED = {
    NOT_FOR_FAQ: "这条消息不会去查知识库（机器人把它识别为“{intent}”）。",
    NO_KNOWN_TERMS: "知识库里没有这条消息用到的词，机器人不会给答案。",
    BELOW_THRESHOLD: "最接近的条目把握不够（{score}），机器人不会猜，会先给排查步骤或询问是否转人工。",
    NOT_COVERED: "这是知识库不回答的话题，机器人不会给答案，会询问是否转人工。",
}


def _editor(request: Request) -> FaqEditor:
    editor: FaqEditor = request.app.ctx.console.faq_editor
    return editor


def _author(request: Request) -> str:
    staff = current_staff(request)
    assert staff is not None  # admin_required ran first
    return staff.username


def _field(request: Request, name: str) -> str:
    return request.form.get(name) or ""


def _typed(request: Request) -> EntryInput:
    return EntryInput(_field(request, "questions"), _field(request, "answer"), _field(request, "area").strip(),
                      _field(request, "urgent") == "1")


def _base(request: Request) -> Optional[int]:
    raw = _field(request, "base").strip()
    return int(raw) if raw.isdigit() else None


def _area_names(request: Request, areas: List[str]) -> Dict[str, str]:
    return {area: request.app.ctx.console.label("faq_areas", area) for area in areas}


async def _state(request: Request) -> Dict[str, Any]:
    editor = _editor(request)

    def read() -> Dict[str, Any]:
        draft = editor.draft()
        published = editor.store.published()
        return {"draft": draft, "published": published, "areas": editor.areas(),
                "emergency": editor.emergency_ids(),
                "pending": diff_entries(published.entries if published else [], draft.entries)}

    state = await asyncio.to_thread(read)
    state["area_names"] = _area_names(request, state["areas"])
    return state


def _percent(score: float) -> str:
    return f"{score * 100:.0f}%"


def _explain(request: Request, tried: TryResult) -> Dict[str, Any]:
    """What the bot would do, in the page's words."""
    result = tried.result
    intent = request.app.ctx.console.label("intents", tried.intent) if tried.intent else "（未连接机器人，未识别意图）"
    view: Dict[str, Any] = {"intent": intent, "answer": result.answer, "score": _percent(result.score),
                            "urgent": result.reason == URGENT, "suggestions": result.suggestions}
    if result.answer is None:
        view["why"] = NOT_ANSWERED.get(result.reason, "机器人不会给答案。").format(
            intent=intent, score=_percent(result.score))
    return view


async def _try(request: Request, draft: Version, text: str) -> Dict[str, Any]:
    parse: Optional[Dict[str, Any]] = None
    try:
        parse = await request.app.ctx.console.rasa.parse(text)
    except RasaUnavailable as error:
        logger.warning("console: the draft search runs without the NLU: %s", error)
    search: DraftSearch = request.app.ctx.console.draft_search
    tried = await asyncio.to_thread(search.ask, draft, text, parse)
    if tried is None:
        return {"pending": PREPARING}
    return _explain(request, tried)


@admin_required
async def faq_page(request: Request) -> HTTPResponse:
    state = await _state(request)
    text = (request.args.get("q") or "").strip()[:MAX_TRY]
    tried = await _try(request, state["draft"], text) if text else None
    if not text:
        request.app.ctx.console.draft_search.warm(state["draft"])
    return render(request, "admin_faq.html", **state, asked=text, tried=tried,
                  flash=DONE.get(request.args.get("done", ""), ""), flash_kind="ok")


async def _entry_form(request: Request, entry_id: Optional[str], status: int = 200, error: str = "",
                      typed: Optional[EntryInput] = None, note: str = "", inbox_keys: str = "") -> HTTPResponse:
    state = await _state(request)
    entry = None
    if entry_id is not None:
        try:
            entry = FaqEditor.find(state["draft"], entry_id)
        except EntryNotFound:
            return forbidden(request, NO_ENTRY, status=404)
    if typed is None:
        typed = EntryInput("\n".join(entry["questions"]), entry["answer"], entry["area"], entry["urgent"]) \
            if entry else EntryInput("", "", "", False)
    return render(request, "admin_faq_entry.html", status=status, entry=entry, typed=typed, note=note,
                  draft=state["draft"], areas=state["areas"], area_names=state["area_names"],
                  deletable=entry is not None and entry["id"] not in state["emergency"],
                  flash=error, flash_kind="error" if error else "ok", inbox_keys=inbox_keys)


async def new_entry_form(request: Request, questions: List[str], inbox_keys: str, note: str) -> HTTPResponse:
    """The new-entry form with customers' questions filled in (drafted from the misunderstood
    inbox); saved, the inbox messages ``inbox_keys`` leave the inbox."""
    areas = await asyncio.to_thread(_editor(request).areas)
    area = "general" if "general" in areas else (areas[0] if areas else "")
    return await _entry_form(request, None, typed=EntryInput("\n".join(questions), "", area, False), note=note,
                             inbox_keys=inbox_keys)


async def _change(request: Request, entry_id: Optional[str], done: str,
                  work: Callable[..., Version], *args: Any) -> HTTPResponse:
    inbox_keys = _field(request, "inbox_keys") if entry_id is None else ""
    try:
        version = await asyncio.to_thread(work, *args)
    except KnowledgeBaseError as error:
        return await _entry_form(request, entry_id, 400, str(error), _typed(request), _field(request, "note"),
                                 inbox_keys)
    except FaqVersionConflict:
        return await _entry_form(request, entry_id, 409, CONFLICT, _typed(request), _field(request, "note"),
                                 inbox_keys)
    except (EntryNotFound, FaqVersionNotFound):
        return forbidden(request, NO_ENTRY, status=404)
    logger.info("console admin %s: FAQ %s, version %s", _author(request), done, version.number)
    if inbox_keys:  # drafted from the misunderstood inbox: its messages are dealt with
        from bot.console.inbox_state import faq_entry_saved

        await faq_entry_saved(request.app.ctx.console.inbox, inbox_keys, _author(request))
        return response.redirect(f"{PAGE}?done=added_from_inbox", status=303)
    return response.redirect(f"{PAGE}?done={done}", status=303)


@admin_required
async def entry_new(request: Request) -> HTTPResponse:
    return await _entry_form(request, None)


@admin_required
async def entry_add(request: Request) -> HTTPResponse:
    base = _base(request)
    if base is None:
        return await _entry_form(request, None, 400, BAD_BASE, _typed(request))
    return await _change(request, None, "added", _editor(request).save_entry, base, None, _typed(request),
                         _author(request), _field(request, "note"))


@admin_required
async def entry_edit(request: Request, entry_id: str) -> HTTPResponse:
    return await _entry_form(request, entry_id)


@admin_required
async def entry_save(request: Request, entry_id: str) -> HTTPResponse:
    base = _base(request)
    if base is None:
        return await _entry_form(request, entry_id, 400, BAD_BASE, _typed(request))
    return await _change(request, entry_id, "saved", _editor(request).save_entry, base, entry_id,
                         _typed(request), _author(request), _field(request, "note"))


@admin_required
async def entry_delete(request: Request, entry_id: str) -> HTTPResponse:
    base = _base(request)
    if base is None:
        return await _entry_form(request, entry_id, 400, BAD_BASE)
    try:
        await asyncio.to_thread(_editor(request).delete_entry, base, entry_id, _author(request))
    except KnowledgeBaseError as error:
        return await _entry_form(request, entry_id, 400, str(error))
    except FaqVersionConflict:
        return await _entry_form(request, entry_id, 409, CONFLICT)
    except (EntryNotFound, FaqVersionNotFound):
        return forbidden(request, NO_ENTRY, status=404)
    return response.redirect(f"{PAGE}?done=deleted", status=303)


async def _publishing(request: Request, done: str, work: Callable[..., Any]) -> HTTPResponse:
    raw = _field(request, "version").strip()
    if not raw.isdigit():
        return forbidden(request, NO_VERSION, status=400)
    try:
        await asyncio.to_thread(work, int(raw), _author(request))
    except FaqVersionNotFound:
        return forbidden(request, NO_VERSION, status=404)
    except KnowledgeBaseError as error:
        return forbidden(request, f"这个版本不能发布：{error}", status=400)
    except FaqVersionConflict:
        return forbidden(request, CONFLICT, status=409)
    logger.info("console admin %s: FAQ %s version %s", _author(request), done, raw)
    return response.redirect(f"{PAGE}?done={done}", status=303)


@admin_required
async def publish(request: Request) -> HTTPResponse:
    return await _publishing(request, "published", _editor(request).publish)


@admin_required
async def roll_back(request: Request) -> HTTPResponse:
    return await _publishing(request, "rolled_back", _editor(request).roll_back)


@admin_required
async def versions(request: Request) -> HTTPResponse:
    editor = _editor(request)

    def read() -> Dict[str, Any]:
        editor.draft()
        return {"versions": editor.store.history(), "published_id": editor.store.published_id()}

    return render(request, "admin_faq_versions.html", **await asyncio.to_thread(read))


@admin_required
async def version_page(request: Request, number: int) -> HTTPResponse:
    editor = _editor(request)
    store = editor.store

    def read() -> Dict[str, Any]:
        version = store.version(number)
        parent = store.version(version.parent).entries if version.parent else []
        return {"version": version, "changes": diff_entries(parent, version.entries),
                "published_id": store.published_id(), "areas": editor.areas()}

    try:
        state = await asyncio.to_thread(read)
    except FaqVersionNotFound:
        return forbidden(request, NO_VERSION, status=404)
    return render(request, "admin_faq_version.html", area_names=_area_names(request, state.pop("areas")), **state)


def register(app: Sanic) -> None:
    bp = Blueprint("admin_faq")
    bp.add_route(faq_page, PAGE, methods=["GET"])
    bp.add_route(entry_new, f"{PAGE}/new", methods=["GET"])
    bp.add_route(entry_add, f"{PAGE}/new", methods=["POST"])
    bp.add_route(entry_edit, f"{PAGE}/entries/<entry_id:str>", methods=["GET"])
    bp.add_route(entry_save, f"{PAGE}/entries/<entry_id:str>", methods=["POST"])
    bp.add_route(entry_delete, f"{PAGE}/entries/<entry_id:str>/delete", methods=["POST"])
    bp.add_route(publish, f"{PAGE}/publish", methods=["POST"])
    bp.add_route(roll_back, f"{PAGE}/rollback", methods=["POST"])
    bp.add_route(versions, f"{PAGE}/versions", methods=["GET"])
    bp.add_route(version_page, f"{PAGE}/versions/<number:int>", methods=["GET"])
    app.blueprint(bp)
