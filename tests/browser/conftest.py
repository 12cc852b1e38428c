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


def _laptop_page(browser):
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    context.set_default_timeout(20_000)
    return context, context.new_page()


@pytest.fixture
def agent_page(browser) -> Iterator:
    """A staff member's laptop-sized window."""
    context, page = _laptop_page(browser)
    yield page
    context.close()


@pytest.fixture
def colleague_page(browser) -> Iterator:
    """A second staff member's window, in a browser context of its own (own cookies)."""
    context, page = _laptop_page(browser)
    yield page
    context.close()


@pytest.fixture
def cleared_queue(tickets_db) -> None:
    """The team has worked through the queue of the session's other tests."""
    from bot.storage.desk import TicketDesk
    from bot.storage.engine import make_engine
    from bot.storage.models import OPEN_STATUSES
    from bot.storage.tickets import TicketStore

    engine = make_engine(f"sqlite:///{tickets_db}")
    desk = TicketDesk(engine)
    for ticket in TicketStore(engine).list(limit=10_000):
        if ticket.status in OPEN_STATUSES:
            desk.close(ticket.number, "resolved", actor="test")
