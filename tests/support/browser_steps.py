"""What a customer and a staff member do in the browser tests, written once: type in
the chat window, open a handoff, sign in to the console."""
from __future__ import annotations

import re
import time
from typing import Any, Optional

from playwright.sync_api import expect

TICKET_NUMBER = re.compile(r"T\d{8}-\d{4}")


def say(page: Any, text: str) -> None:
    """The customer types ``text`` in the chat window and sends it."""
    page.get_by_label("输入您的问题").fill(text)
    page.get_by_role("button", name="发送").click()


def wait_until(page: Any, expression: str, timeout: float = 20.0) -> Any:
    """The value of the JavaScript ``expression`` on ``page`` once it is truthy.

    Not Playwright's ``wait_for_function``: after its first check it re-evaluates the
    expression with the page's own ``eval``, which our pages' Content-Security-Policy
    (no 'unsafe-eval') forbids, so it failed whenever the first check came too early.
    Each ``evaluate`` here runs through the browser's debugging protocol instead."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout:.0f} s: {expression}")
        time.sleep(0.1)


def open_chat(page: Any, rasa_server: str) -> None:
    """The chat window, once it holds its conversation's token."""
    page.goto(f"{rasa_server}/chat")
    wait_until(page, "localStorage.getItem('webchat.token') !== null")


def handoff_number(page: Any, earlier: Optional[str] = None) -> str:
    """The number of the ticket the bot just announced in the chat window, once; with
    ``earlier``, a new ticket's (messages about the earlier ticket do not count)."""
    announced = page.locator("#log .msg.bot").filter(has_text=TICKET_NUMBER)
    if earlier is not None:
        announced = announced.filter(has_not_text=earlier)
    expect(announced).to_have_count(1, timeout=30_000)
    found = TICKET_NUMBER.search(announced.inner_text())
    assert found is not None
    return found.group(0)


def sign_in(page: Any, console: Any, login: Any) -> None:
    """``login`` (a console's `new_staff`) signs in on ``page``."""
    page.goto(f"{console.url}/login")
    page.get_by_label("用户名").fill(login.username)
    page.get_by_label("密码").fill(login.password)
    page.get_by_role("button", name="登录").click()


def sign_in_as(page: Any, console: Any, role: str, name: str) -> Any:
    """A new staff member of ``role`` called ``name`` signs in; returns their login."""
    login = console.new_staff(role, display_name=name)
    sign_in(page, console, login)
    return login
