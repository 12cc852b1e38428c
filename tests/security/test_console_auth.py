"""The staff console's accounts, sessions and CSRF checks, through a real
`python -m bot console` (the session's `console_server`, LOGIN_MAX_FAILURES=3)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support.console import ConsoleClient, csrf_token_of
from tests.support.servers import ROOT

STALE = "请求已失效，请刷新页面后重试"
WRONG = "用户名或密码错误"


@pytest.fixture(autouse=True)
def no_lockouts(console_server):
    """Every test logs in from 127.0.0.1: failures of one test must not lock the next."""
    console_server.staff.clear_failures()
    yield
    console_server.staff.clear_failures()


def set_cookie_of(page, name):
    return next(value for value in page.headers.get_all("Set-Cookie") if value.startswith(f"{name}="))


# -- signing in ---------------------------------------------------------------------

def test_pages_need_a_session(console_server):
    client = console_server.client()
    page = client.get("/admin/staff?x=1")
    assert page.status == 302
    assert page.headers["Location"] == "/login?next=%2Fadmin%2Fstaff%3Fx%3D1"
    page = client.get("/admin/staff", headers={"Accept": "application/json"})
    assert page.status == 401 and json.loads(page.body)["error"] == "not_signed_in"


def test_a_login_opens_a_session_with_a_safe_cookie(console_server):
    login = console_server.new_staff("admin")
    client = console_server.client()
    form = client.get("/login")
    assert 'autocomplete="current-password"' in form.body and 'autocomplete="username"' in form.body
    csrf_cookie = set_cookie_of(form, "console_csrf")
    assert "HttpOnly" in csrf_cookie and "SameSite=Lax" in csrf_cookie
    page = client.login(login.username, login.password, next_path="/admin/staff")
    assert page.status == 302 and page.headers["Location"] == "/admin/staff"
    cookie = set_cookie_of(page, "console_session")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http in tests; CONSOLE_HTTPS=1 or https adds it
    assert client.get("/admin/staff").status == 200


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"])
def test_login_goes_back_only_to_local_paths(console_server, target):
    login = console_server.new_staff()
    page = console_server.client().login(login.username, login.password, next_path=target)
    assert page.status == 302 and page.headers["Location"] == "/"


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(console_server):
    login = console_server.new_staff()
    client = console_server.client()
    wrong = client.login(login.username, "not the password")
    unknown = client.login("nobody-here", login.password)
    assert wrong.status == unknown.status == 401
    assert WRONG in wrong.body and WRONG in unknown.body
    assert "console_session" not in " ".join(wrong.headers.get_all("Set-Cookie") or [])


def test_the_account_is_locked_after_max_failures_even_for_the_right_password(console_server):
    login = console_server.new_staff()
    client = console_server.client()
    for _ in range(console_server.max_failures):
        assert client.login(login.username, "not the password").status == 401
    page = client.login(login.username, login.password)
    assert page.status == 429
    assert "分钟后再试" in page.body and int(page.headers["Retry-After"]) > 0
    console_server.staff.clear_failures()
    assert client.login(login.username, login.password).status == 302


def test_an_address_is_locked_whatever_usernames_it_tries(console_server):
    login = console_server.new_staff()
    client = console_server.client()
    for number in range(console_server.max_failures):
        assert client.login(f"guess{number}", "not the password").status == 401
    assert client.login(login.username, login.password).status == 429


# -- CSRF -----------------------------------------------------------------------

def test_the_login_form_needs_its_double_submit_token(console_server):
    login = console_server.new_staff()
    token = csrf_token_of(console_server.client().get("/login").body)
    stranger = console_server.client()  # the token, but not the cookie that goes with it
    page = stranger.post_form("/login", {"username": login.username, "password": login.password,
                                         "csrf_token": token})
    assert page.status == 403 and STALE in page.body
    assert stranger.post_form("/login", {"username": login.username, "password": login.password},
                              with_csrf=False).status == 403


def test_logout_without_the_csrf_token_is_refused(console_server):
    client, _ = console_server.signed_in("admin")
    client.get("/admin/staff")
    for fields in ({}, {"csrf_token": "forged"}):
        page = client.post_form("/logout", fields, with_csrf=False)
        assert page.status == 403 and STALE in page.body
    assert client.get("/admin/staff").status == 200  # still signed in


def test_an_admin_form_without_the_csrf_token_is_refused(console_server):
    client, _ = console_server.signed_in("admin")
    client.get("/admin/staff")
    fields = {"username": "csrf-victim", "display_name": "X", "role": "admin", "password": "0123456789ab"}
    page = client.post_form("/admin/staff", fields, with_csrf=False)
    assert page.status == 403 and STALE in page.body
    assert "csrf-victim" not in [m.username for m in console_server.staff.list_staff()]


def test_the_csrf_header_is_accepted_for_scripts(console_server):
    client, _ = console_server.signed_in("admin")
    token = csrf_token_of(client.get("/admin/staff").body)
    page = client.request("POST", "/logout", b"", {"X-CSRF-Token": token})
    assert page.status == 302 and page.headers["Location"] == "/login"


# -- sessions and roles -----------------------------------------------------------

def test_logout_ends_the_session(console_server):
    client, _ = console_server.signed_in("admin")
    token = client.cookie("console_session").value
    client.get("/admin/staff")
    page = client.logout()
    assert page.status == 302 and page.headers["Location"] == "/login"
    assert client.get("/admin/staff").status == 302
    replay = ConsoleClient(console_server.url)
    assert replay.get("/admin/staff", headers={"Cookie": f"console_session={token}"}).status == 302


def test_an_agent_cannot_open_or_post_to_the_admin_pages(console_server):
    client, _ = console_server.signed_in("agent")
    for path in ("/admin/staff", "/admin/tokens"):
        assert client.get(path).status == 403
    fields = {"username": "made-by-agent", "display_name": "X", "role": "admin", "password": "0123456789ab"}
    assert client.post_form("/admin/staff", fields).status == 403  # with the session's own CSRF token
    assert client.post_form("/admin/tokens", {"name": "agent-token"}).status == 403
    assert "made-by-agent" not in [m.username for m in console_server.staff.list_staff()]


def test_a_deactivated_member_loses_the_session_at_once(console_server):
    admin, _ = console_server.signed_in("admin")
    agent, login = console_server.signed_in("agent")
    admin.get("/admin/staff")
    page = admin.post_form(f"/admin/staff/{login.member.id}/active", {"active": "0"})
    assert page.status == 302 and page.headers["Location"] == "/admin/staff?done=deactivated"
    assert agent.get("/admin/staff").status == 302
    assert agent.login(login.username, login.password).status == 401


def test_an_admin_cannot_deactivate_or_demote_themselves(console_server):
    client, login = console_server.signed_in("admin")
    client.get("/admin/staff")
    assert client.post_form(f"/admin/staff/{login.member.id}/active", {"active": "0"}).status == 400
    assert client.post_form(f"/admin/staff/{login.member.id}/role", {"role": "agent"}).status == 400
    assert console_server.staff.get(login.member.id) == login.member


def test_an_admin_adds_staff_and_names_are_escaped(console_server):
    client, _ = console_server.signed_in("admin")
    client.get("/admin/staff")
    fields = {"username": "new.agent", "display_name": "<script>x</script>", "role": "agent",
              "password": "a password of mine"}
    page = client.post_form("/admin/staff", fields, follow=True)
    assert page.status == 200 and "已添加员工" in page.body
    assert "<script>x</script>" not in page.body and "&lt;script&gt;" in page.body
    assert console_server.client().login("new.agent", "a password of mine").status == 302


def test_the_cli_creates_a_working_admin(console_server):
    env = {**os.environ, "DATABASE_URL": console_server.database_url}
    done = subprocess.run([sys.executable, "-m", "bot", "staff", "add", "cli.admin", "--role", "admin",
                           "--display-name", "命令行管理员", "--password-stdin"],
                          input="the admin's password\n", capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert "the admin's password" not in done.stdout + done.stderr
    client = console_server.client()
    assert client.login("cli.admin", "the admin's password").status == 302
    page = client.get("/admin/staff")
    assert page.status == 200 and "命令行管理员" in page.body


# -- the JSON API -------------------------------------------------------------------

def test_the_api_needs_a_valid_bearer_token(console_server):
    client = console_server.client()
    missing = client.get("/api/whoami")
    assert missing.status == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")
    bad = client.get("/api/whoami", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status == 401 and json.loads(bad.body) == {"error": "invalid_token"}
    assert 'error="invalid_token"' in bad.headers["WWW-Authenticate"]
    token = console_server.staff.create_integration_token("api-test")
    good = client.get("/api/whoami", headers={"Authorization": f"Bearer {token}"})
    assert good.status == 200 and json.loads(good.body) == {"integration": "api-test"}
    console_server.staff.revoke_integration_token("api-test")
    assert client.get("/api/whoami", headers={"Authorization": f"Bearer {token}"}).status == 401


def test_a_staff_session_does_not_open_the_api(console_server):
    client, _ = console_server.signed_in("admin")
    assert client.get("/api/whoami").status == 401


def test_an_integration_token_is_shown_once(console_server):
    client, _ = console_server.signed_in("admin")
    client.get("/admin/tokens")
    page = client.post_form("/admin/tokens", {"name": "team-desk"})
    assert page.status == 200
    token = page.body.split('id="new-token" value="')[1].split('"')[0]
    assert token not in client.get("/admin/tokens").body
    answer = client.get("/api/whoami", headers={"Authorization": f"Bearer {token}"})
    assert json.loads(answer.body) == {"integration": "team-desk"}
    client.post_form("/admin/tokens/revoke", {"name": "team-desk"})
    assert client.get("/api/whoami", headers={"Authorization": f"Bearer {token}"}).status == 401
