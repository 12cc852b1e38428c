"""Canned replies staff insert by typing a short code (``/退款``):
data/support/canned_replies.yml, a list of ``{code, title, text}``.

Texts may use the product catalogue's placeholders (``{app}``, ``{savings}`` ...),
filled with the deploying company's names when a reply is shown or sent. The file
is validated on every read and every write, and written atomically (a temporary
file in the same folder renamed over it): a reader never sees half a file.
"""
from __future__ import annotations

import os
import re
import tempfile
import threading
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, List, Optional, Sequence, Tuple

import yaml

from bot.text.catalogue import Catalogue

if TYPE_CHECKING:
    from bot.settings import Settings

CANNED_FILE = "canned_replies.yml"
MAX_CODE, MAX_TITLE, MAX_TEXT = 20, 40, 1000
CODE = re.compile(rf"/\S{{1,{MAX_CODE - 1}}}")
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
HEADER = ("# Canned replies of the staff console: staff type the code (/退款) in the reply box.\n"
          "# Edited on the console's /admin/canned page; {app} and the other product\n"
          "# placeholders of data/support/products.yml are filled with the catalogue's names.\n")


class CannedReplyError(ValueError):
    """A reply (or the file) that cannot be used; the message is shown to admins as is."""


@dataclass(frozen=True)
class CannedReply:
    code: str   # "/退款"
    title: str  # "退款进度"
    text: str   # what the customer gets, placeholders unfilled

    @classmethod
    def entered(cls, code: str, title: str, text: str) -> "CannedReply":
        """A reply as typed into a form: surrounding blanks removed, line ends unified."""
        return cls(code.strip(), title.strip(), text.replace("\r\n", "\n").strip())


def check(reply: CannedReply, kinds: Optional[Iterable[str]] = None) -> None:
    """Refuse a reply that cannot be used; ``kinds``: the placeholders allowed (None: any)."""
    if not reply.code.startswith("/"):
        raise CannedReplyError(f"快捷码“{reply.code}”须以“/”开头，例如 /退款")
    if not CODE.fullmatch(reply.code):
        raise CannedReplyError(f"快捷码“{reply.code}”须为“/”加 1–{MAX_CODE - 1} 个字，中间不能有空格")
    if not reply.title:
        raise CannedReplyError(f"请填写 {reply.code} 的标题")
    if len(reply.title) > MAX_TITLE:
        raise CannedReplyError(f"{reply.code} 的标题最多 {MAX_TITLE} 个字")
    if not reply.text:
        raise CannedReplyError(f"{reply.code} 的回复内容不能为空")
    if len(reply.text) > MAX_TEXT:
        raise CannedReplyError(f"{reply.code} 的回复内容最多 {MAX_TEXT} 个字")
    if kinds is not None:
        allowed = set(kinds)
        unknown = sorted({name for name in PLACEHOLDER.findall(reply.text) if name not in allowed})
        if unknown:
            names = "、".join("{" + kind + "}" for kind in sorted(allowed))
            raise CannedReplyError(f"{reply.code} 里有不认识的占位符 {{{unknown[0]}}}，可用的有：{names}")


def validate(replies: Sequence[CannedReply], kinds: Optional[Iterable[str]] = None) -> None:
    """Every reply usable, and no code twice."""
    allowed = None if kinds is None else tuple(kinds)
    seen = set()
    for reply in replies:
        check(reply, allowed)
        if reply.code in seen:
            raise CannedReplyError(f"快捷码“{reply.code}”已经存在")
        seen.add(reply.code)


def parse(raw: Any, kinds: Optional[Iterable[str]] = None) -> Tuple[CannedReply, ...]:
    """The file's YAML (a list of mappings; an empty file is an empty list), validated."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(entry, dict) for entry in raw):
        raise CannedReplyError("快捷回复文件须为列表，每项包含 code、title、text")
    replies = tuple(CannedReply(str(entry.get("code") or "").strip(), str(entry.get("title") or "").strip(),
                                str(entry.get("text") or "").strip()) for entry in raw)
    validate(replies, kinds)
    return replies


def load(path: Path, kinds: Optional[Iterable[str]] = None) -> Tuple[CannedReply, ...]:
    """The replies in ``path``; a missing file has none."""
    if not path.exists():
        return ()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CannedReplyError(f"{path.name} 不是有效的 YAML：{error}") from None
    return parse(raw, kinds)


def dump(replies: Sequence[CannedReply]) -> str:
    entries = [{"code": r.code, "title": r.title, "text": r.text} for r in replies]
    return HEADER + yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=1000)


def save(path: Path, replies: Sequence[CannedReply], kinds: Optional[Iterable[str]] = None) -> None:
    """Validate, then replace ``path`` atomically (its permissions kept)."""
    validate(replies, kinds)
    text = dump(replies)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def find(replies: Sequence[CannedReply], code: str) -> Optional[CannedReply]:
    code = code.strip()
    return next((reply for reply in replies if reply.code == code), None)


def expand(replies: Sequence[CannedReply], code: str,
           fill: Callable[[str], str] = lambda text: text) -> Optional[str]:
    """The text of the reply with ``code`` (``fill``: the catalogue's placeholders), or None."""
    reply = find(replies, code)
    return fill(reply.text) if reply is not None else None


class CannedLibrary:
    """One console's canned replies: the file, the catalogue that fills them, and a
    lock so two admins' edits never overwrite each other. Blocking: call it from
    a thread (``asyncio.to_thread``) in a request handler."""

    def __init__(self, path: Path, catalogue_file: Path) -> None:
        self.path = path
        self._catalogue_file = catalogue_file
        self._lock = threading.Lock()

    @classmethod
    def for_settings(cls, settings: "Settings") -> "CannedLibrary":
        """``support_dir``/canned_replies.yml, filled from ``catalogue_file``."""
        return cls(settings.support_dir / CANNED_FILE, settings.catalogue_file)

    @cached_property
    def catalogue(self) -> Catalogue:
        return Catalogue.load(self._catalogue_file)

    @property
    def kinds(self) -> Tuple[str, ...]:
        return self.catalogue.kinds

    def replies(self) -> Tuple[CannedReply, ...]:
        """As stored, placeholders unfilled (what the admin page edits)."""
        return load(self.path, self.kinds)

    def filled(self) -> List[CannedReply]:
        """As staff send them: placeholders filled with the catalogue's names."""
        return [replace(reply, text=self.catalogue.fill(reply.text)) for reply in self.replies()]

    def expand(self, code: str) -> Optional[str]:
        """The text to send for ``code`` (``/退款``), filled; None for an unknown code."""
        return expand(self.replies(), code, self.catalogue.fill)

    def add(self, reply: CannedReply) -> None:
        self._edit(lambda replies: [*replies, reply])

    def update(self, original_code: str, reply: CannedReply) -> None:
        """Replace the reply that had ``original_code`` (its code may change), in place."""
        def change(replies: List[CannedReply]) -> List[CannedReply]:
            if find(replies, original_code) is None:
                raise CannedReplyError(f"快捷码“{original_code}”不存在，可能已被删除")
            return [reply if r.code == original_code.strip() else r for r in replies]

        self._edit(change)

    def remove(self, code: str) -> None:
        def change(replies: List[CannedReply]) -> List[CannedReply]:
            if find(replies, code) is None:
                raise CannedReplyError(f"快捷码“{code}”不存在，可能已被删除")
            return [r for r in replies if r.code != code.strip()]

        self._edit(change)

    def _edit(self, change: Callable[[List[CannedReply]], List[CannedReply]]) -> None:
        with self._lock:
            save(self.path, change(list(self.replies())), self.kinds)
