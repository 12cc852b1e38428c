"""The knowledge-base editor through a real console process: admins only, CSRF, every
change a version, bad input refused with a Chinese reason (4xx) and the input kept.

The console reads a copy of data/faq (FAQ_DIR) and a database of its own; the bot's
side (publish, the running bot answering, rollback) is tests/browser/test_console_faq_publish.py."""
import re
import shutil

import pytest

from bot.storage.engine import make_engine
from bot.storage.faq_versions import FaqVersionStore
from tests.support.console import start_console
from tests.support.servers import ROOT

ENTRY = "billing_cancel_auto_renewal"
FILE_WORDS = re.compile(r"\.yml|data/faq|\bgit\b|\bmake\b", re.I)
EDITOR_SOURCES = [ROOT / "bot" / "console" / name for name in ("admin_faq.py", "faq_editing.py", "faq_try.py")] + \
    sorted((ROOT / "bot" / "console" / "templates").glob("admin_faq*.html"))


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    faq = tmp_path_factory.mktemp("console-faq") / "faq"
    shutil.copytree(ROOT / "data" / "faq", faq)
    # RASA_URL nowhere: the draft search runs without the NLU
    with start_console(tmp_path_factory.mktemp("console-faq-db"),
                       env={"FAQ_DIR": str(faq), "RASA_URL": "http://127.0.0.1:9"}) as server:
        yield server


@pytest.fixture(scope="module")
def admin(console):
    client, _ = console.signed_in("admin")
    return client


@pytest.fixture
def store(console):
    return FaqVersionStore(make_engine(console.database_url))


def _edit_form(admin, **fields):
    page = admin.get(f"/admin/faq/entries/{ENTRY}")
    assert page.status == 200
    base = re.search(r'name="base" value="(\d+)"', page.body).group(1)
    questions = re.search(r'name="questions"[^>]*>([^<]*)</textarea>', page.body).group(1)
    form = {"base": base, "questions": questions, "answer": "在「我的 > 设置」关闭自动续费。", "area": "billing"}
    form.update(fields)
    return form


def test_agents_and_signed_out_people_cannot_edit(console, store):
    agent, _ = console.signed_in("agent")
    assert agent.get("/admin/faq").status == 403
    agent.get("/")
    assert agent.post_form("/admin/faq/publish", {"version": "1"}).status == 403
    assert console.client().get("/admin/faq").status == 302


def test_the_first_visit_imports_the_knowledge_base_and_no_page_talks_of_files(admin, store):
    page = admin.get("/admin/faq")
    assert page.status == 200 and "当前已发布：版本 1" in page.body and "没有待发布的改动" in page.body
    assert store.published_id() == 1 and len(store.head().entries) >= 60
    for path in ("/admin/faq", f"/admin/faq/entries/{ENTRY}", "/admin/faq/new", "/admin/faq/versions",
                 "/admin/faq/versions/1"):
        body = admin.get(path).body
        assert not FILE_WORDS.search(re.sub(r"<[^>]+>", " ", body)), path
    for source in EDITOR_SOURCES:  # the pages' own words (the entries may speak of files)
        assert "文件" not in source.read_text(encoding="utf-8"), source.name


def test_a_post_without_the_csrf_token_is_refused(admin, store):
    head = store.head().number
    refused = admin.post_form(f"/admin/faq/entries/{ENTRY}", _edit_form(admin), with_csrf=False)
    assert refused.status == 403 and store.head().number == head


@pytest.mark.parametrize("fields, reason", [
    pytest.param({"answer": "   "}, "答案不能为空", id="empty-answer"),
    pytest.param({"questions": "怎么关闭自动续费\n收不到验证码怎么办\n第三个问法"}, "每个问法只能出现一次",
                 id="question-of-another-entry"),
    pytest.param({"area": "lottery"}, "问题类别无效", id="unknown-area"),
])
def test_bad_input_is_refused_with_a_reason_and_kept(admin, store, fields, reason):
    head = store.head().number
    refused = admin.post_form(f"/admin/faq/entries/{ENTRY}", _edit_form(admin, note="<b>说明</b>", **fields))
    assert refused.status == 400 and reason in refused.body, refused.body[:2000]
    assert "&lt;b&gt;说明&lt;/b&gt;" in refused.body  # the admin's input, escaped
    assert store.head().number == head


def test_an_edit_saves_a_draft_version_and_publishing_makes_it_the_bot_s(admin, store):
    published = store.published_id()
    form = _edit_form(admin, answer="【新】在「我的 > 设置 > 自动续费管理」关闭。")
    saved = admin.post_form(f"/admin/faq/entries/{ENTRY}", form)
    assert saved.status == 303 and saved.headers["Location"] == "/admin/faq?done=saved"
    draft = store.head()
    assert draft.number > published and store.published_id() == published and draft.author.startswith("staff")
    page = admin.get("/admin/faq")
    assert "草稿有 1 处尚未发布的改动" in page.body and "【新】" in page.body
    assert admin.post_form("/admin/faq/publish", {"version": str(draft.number)}).status == 303
    assert store.published_id() == draft.number
    history = admin.get("/admin/faq/versions").body
    assert f"版本 {draft.number}" in history and "修改“" in history and "的答案" in history


def test_a_stale_form_is_a_conflict_and_an_unknown_entry_is_not_found(admin, store):
    stale = _edit_form(admin, answer="甲")
    assert admin.post_form(f"/admin/faq/entries/{ENTRY}", stale).status == 303
    refused = admin.post_form(f"/admin/faq/entries/{ENTRY}", {**stale, "answer": "乙"})
    assert refused.status == 409 and "刷新页面" in refused.body and "乙</textarea>" in refused.body
    assert admin.get("/admin/faq/entries/no_such_entry").status == 404
    assert admin.get("/admin/faq/versions/9999").status == 404
    admin.get("/admin/faq")
    assert admin.post_form("/admin/faq/publish", {"version": "abc"}).status == 400


def test_rolling_back_publishes_the_old_entries_as_a_new_version(admin, store):
    admin.get("/admin/faq/versions")
    back = admin.post_form("/admin/faq/rollback", {"version": "1"})
    assert back.status == 303 and back.headers["Location"] == "/admin/faq?done=rolled_back"
    assert store.published().entries == store.version(1).entries and store.published_id() == store.head().number


def test_the_urgent_entries_cannot_be_deleted(admin, store):
    page = admin.get("/admin/faq/entries/account_stolen_suspected")
    assert page.status == 200 and "确认删除" not in page.body
    base = re.search(r'name="base" value="(\d+)"', page.body).group(1)
    refused = admin.post_form("/admin/faq/entries/account_stolen_suspected/delete", {"base": base})
    assert refused.status == 400 and "紧急条目" in refused.body
