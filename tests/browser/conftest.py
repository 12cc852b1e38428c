"""Debian's Chromium driven by Playwright against the session's real Rasa server."""
from __future__ import annotations

import shutil
from typing import Iterator, List

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make install-dev` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Dialogs(List[str]):
    """Messages of every alert/confirm/prompt the page opened."""


@pytest.fixture
def dialogs() -> Dialogs:
    return Dialogs()


@pytest.fixture
def page(browser, dialogs) -> Iterator:
    """A fresh phone-sized window (own localStorage) with every dialog recorded."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    context.set_default_timeout(20_000)
    page = context.new_page()

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page
    context.close()


@pytest.fixture
def agent_page(browser) -> Iterator:
    """A fresh laptop-sized window for a member of staff in the console."""
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()
