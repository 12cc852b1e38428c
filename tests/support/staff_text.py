"""What staff read on a page must hold no code: no button payload (``/deny``,
``/rate{...}``) and no snake_case name (``action_lookup_faq``, ``customer_request``)."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import List

PAYLOAD = re.compile(r"(?<![A-Za-z0-9_/.:])/[a-z_]+")
SNAKE_CASE = re.compile(r"(?<![A-Za-z0-9_])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![A-Za-z0-9_])")
# The page's text as a browser renders it (document.body.textContent): no scripts, no styles.
BODY_TEXT = "() => document.body.textContent"


def codes_in(text: str) -> List[str]:
    """Every payload or snake_case name in ``text``."""
    return PAYLOAD.findall(text) + SNAKE_CASE.findall(text)


class _Text(HTMLParser):
    SKIPPED = {"script", "style", "template", "head"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: List[str] = []
        self._skipping: List[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIPPED:
            self._skipping.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def page_text(html: str) -> str:
    """The text of an HTML page, as staff read it (for tests without a browser)."""
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)
