"""Canned replies: the shipped file, validation, atomic saves, expansion."""
import os
import shutil
import stat

import pytest
import yaml

from bot.console import canned
from bot.console.canned import CannedLibrary, CannedReply, CannedReplyError
from bot.text.catalogue import Catalogue
from tests.support.servers import ROOT

SUPPORT = ROOT / "data" / "support"
CATALOGUE = SUPPORT / "products.yml"
KINDS = Catalogue.load(CATALOGUE).kinds


@pytest.fixture
def library(tmp_path):
    path = tmp_path / "canned_replies.yml"
    shutil.copy(SUPPORT / "canned_replies.yml", path)
    return CannedLibrary(path, CATALOGUE)


def test_the_shipped_replies_are_valid_and_cover_the_four_problem_areas():
    replies = canned.load(SUPPORT / "canned_replies.yml", KINDS)
    assert len(replies) >= 10
    codes = {r.code for r in replies}
    assert {"/锁定", "/转账失败", "/验证码", "/退款"} <= codes


def test_expand_fills_the_app_name(library):
    assert "星汇钱包" in library.expand("/问候")
    assert "{app}" not in library.expand("/问候")
    assert library.expand(" /退款 ").startswith("退款一律原路退回")
    assert library.expand("/没有这个") is None
    assert all("{" not in r.text for r in library.filled())


def test_pure_expand_without_a_catalogue():
    replies = (CannedReply("/a", "A", "您好 {app}"),)
    assert canned.expand(replies, "/a") == "您好 {app}"
    assert canned.expand(replies, "/a", str.upper) == "您好 {APP}"


@pytest.mark.parametrize(
    "reply, message",
    [
        pytest.param(CannedReply("退款", "t", "x"), "须以“/”开头", id="no-slash"),
        pytest.param(CannedReply("/", "t", "x"), "1–19 个字", id="slash-only"),
        pytest.param(CannedReply("/退 款", "t", "x"), "不能有空格", id="space-in-code"),
        pytest.param(CannedReply("/" + "长" * 20, "t", "x"), "1–19 个字", id="code-too-long"),
        pytest.param(CannedReply("/a", "", "x"), "请填写 /a 的标题", id="no-title"),
        pytest.param(CannedReply("/a", "t" * 41, "x"), "标题最多", id="title-too-long"),
        pytest.param(CannedReply("/a", "t", ""), "不能为空", id="empty-text"),
        pytest.param(CannedReply("/a", "t", "x" * 1001), "最多 1000", id="text-too-long"),
        pytest.param(CannedReply("/a", "t", "您好 {name}"), "{name}", id="unknown-placeholder"),
    ],
)
def test_invalid_replies_are_refused(reply, message):
    with pytest.raises(CannedReplyError, match=message.replace("{", r"\{").replace("}", r"\}")):
        canned.validate([reply], KINDS)


def test_codes_are_unique():
    with pytest.raises(CannedReplyError, match="已经存在"):
        canned.validate([CannedReply("/a", "A", "x"), CannedReply("/a", "B", "y")])


def test_entered_text_is_tidied():
    assert CannedReply.entered(" /a ", " 标题 ", " 第一行\r\n第二行 \n") == CannedReply("/a", "标题", "第一行\n第二行")


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("code: /a\n", id="not-a-list"),
        pytest.param("- /a\n", id="entries-not-mappings"),
        pytest.param("- {code: /a, title: A}\n", id="missing-text"),
        pytest.param("- {code: /a, title: A, text: [unclosed\n", id="broken-yaml"),
    ],
)
def test_a_broken_file_is_reported(tmp_path, content):
    path = tmp_path / "canned_replies.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CannedReplyError):
        canned.load(path)


def test_a_missing_or_empty_file_has_no_replies(tmp_path):
    assert canned.load(tmp_path / "missing.yml") == ()
    (tmp_path / "empty.yml").write_text("# nothing yet\n", encoding="utf-8")
    assert canned.load(tmp_path / "empty.yml") == ()


def test_save_round_trips_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "canned_replies.yml"
    path.write_text("[]\n", encoding="utf-8")
    os.chmod(path, 0o640)
    replies = (CannedReply("/退款", "退款进度", "第一行\n第二行：「我的 > 账单」"), CannedReply("/b", "B", "{app}"))
    canned.save(path, replies, KINDS)
    assert canned.load(path, KINDS) == replies
    assert path.read_text(encoding="utf-8").startswith("# Canned replies")
    assert "退款进度" in path.read_text(encoding="utf-8")  # readable Chinese, not \u escapes
    assert [p.name for p in tmp_path.iterdir()] == ["canned_replies.yml"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_an_invalid_save_changes_nothing(library):
    before = library.path.read_bytes()
    with pytest.raises(CannedReplyError):
        canned.save(library.path, [CannedReply("/a", "A", "")])
    assert library.path.read_bytes() == before


def test_a_failed_write_keeps_the_old_file(library, monkeypatch):
    before = library.path.read_bytes()

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(canned.os, "replace", broken)
    with pytest.raises(OSError):
        library.add(CannedReply("/新", "新", "新的回复"))
    assert library.path.read_bytes() == before
    assert [p.name for p in library.path.parent.iterdir()] == ["canned_replies.yml"]


def test_add_update_remove(library):
    count = len(library.replies())
    library.add(CannedReply("/新", "新回复", "您好，{app}客服在。"))
    assert library.expand("/新") == "您好，星汇钱包客服在。"
    library.update("/新", CannedReply("/新的", "改过", "改过的内容"))
    assert library.expand("/新") is None and library.expand("/新的") == "改过的内容"
    codes = [r.code for r in library.replies()]
    assert codes[-1] == "/新的" and len(codes) == count + 1  # edited in place
    library.remove("/新的")
    assert len(library.replies()) == count
    assert yaml.safe_load(library.path.read_text(encoding="utf-8"))[0]["code"] == "/问候"


def test_edits_are_checked(library):
    with pytest.raises(CannedReplyError, match="已经存在"):
        library.add(CannedReply("/退款", "又一个", "x"))
    with pytest.raises(CannedReplyError, match="已经存在"):
        library.update("/结束", CannedReply("/退款", "撞码", "x"))
    with pytest.raises(CannedReplyError, match="不存在"):
        library.update("/没有", CannedReply("/没有", "x", "x"))
    with pytest.raises(CannedReplyError, match="不存在"):
        library.remove("/没有")
