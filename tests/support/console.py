"""The staff console for tests: a browser-like client (cookies, CSRF tokens scraped
from the last page, redirects followed only when asked) and the console started
as a real process (`python -m bot console`) on a migrated database of its own."""
from __future__ import annotations

import http.cookiejar
import itertools
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from html.parser import HTMLParser
from pathlib import Path
from typing import Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple, Union

from bot.storage.engine import make_engine
from bot.storage.migrate import upgrade
from bot.storage.staff import StaffMember, StaffStore
from tests.support.processes import ServerProcess, free_port, running
from tests.support.servers import ROOT

Fields = Union[Dict[str, str], Sequence[Tuple[str, str]]]


class Page(NamedTuple):
    status: int
    headers: Message
    body: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a 3xx comes back as the answer
        return None


class _CsrfField(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.value: Optional[str] = None

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        found = dict(attrs)
        if self.value is None and tag == "input" and found.get("name") == "csrf_token":
            self.value = found.get("value") or ""


def csrf_token_of(body: str) -> Optional[str]:
    """The value of the first ``<input name="csrf_token">`` of a page."""
    parser = _CsrfField()
    parser.feed(body)
    return parser.value


class ConsoleClient:
    """One browser: a cookie jar, the last page it got and the last CSRF token it saw."""

    def __init__(self, base_url: str, timeout: float = 10) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects())
        self.last: Optional[Page] = None
        self.csrf_token: Optional[str] = None  # of the last page that had a form

    def request(self, method: str, path: str, body: Optional[bytes] = None,
                headers: Optional[Dict[str, str]] = None, follow: bool = False) -> Page:
        req = urllib.request.Request(self.base_url + path, data=body, method=method, headers=headers or {})
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                page = Page(resp.status, resp.headers, resp.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            page = Page(error.code, error.headers, error.read().decode("utf-8"))
        self.last = page
        self.csrf_token = csrf_token_of(page.body) or self.csrf_token
        location = page.headers.get("Location")
        if follow and page.status in (301, 302, 303, 307) and location:
            return self.get(urllib.parse.urljoin(path, location), follow=True)
        return page

    def get(self, path: str, headers: Optional[Dict[str, str]] = None, follow: bool = False) -> Page:
        return self.request("GET", path, headers=headers, follow=follow)

    def post_form(self, path: str, fields: Fields, with_csrf: bool = True, page: Optional[Page] = None,
                  headers: Optional[Dict[str, str]] = None, follow: bool = False) -> Page:
        """Post ``fields``; with_csrf adds the csrf_token of ``page`` (default: of the last
        page that had one)."""
        items = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if with_csrf and not any(name == "csrf_token" for name, _ in items):
            token = csrf_token_of(page.body) if page else self.csrf_token
            if token is None:
                raise LookupError("no csrf_token field on the page: get a page with a form first")
            items.append(("csrf_token", token))
        body = urllib.parse.urlencode(items).encode("utf-8")
        sent = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        return self.request("POST", path, body, sent, follow=follow)

    def login(self, username: str, password: str, next_path: Optional[str] = None) -> Page:
        """The login page, then its form; answers the form's response (302 when it worked)."""
        self.get("/login" + (f"?{urllib.parse.urlencode({'next': next_path})}" if next_path else ""))
        fields = {"username": username, "password": password}
        if next_path:
            fields["next"] = next_path
        return self.post_form("/login", fields)

    def logout(self) -> Page:
        """Posts the logout form of the last page (get one first)."""
        return self.post_form("/logout", {})

    def cookie(self, name: str) -> Optional[http.cookiejar.Cookie]:
        return next((c for c in self.jar if c.name == name), None)


@dataclass(frozen=True)
class StaffLogin:
    member: StaffMember
    password: str

    @property
    def username(self) -> str:
        return self.member.username


@dataclass
class ConsoleServer:
    """A running console: its URL, its database, and its staff accounts (written directly)."""

    url: str
    database_url: str
    process: ServerProcess
    staff: StaffStore
    max_failures: int
    _numbers: Iterator[int] = field(default_factory=itertools.count)

    def client(self) -> ConsoleClient:
        return ConsoleClient(self.url)

    def new_staff(self, role: str = "agent", display_name: str = "测试员工",
                  prefix: str = "staff") -> StaffLogin:
        """A fresh account with a unique username and a random password."""
        password = secrets.token_urlsafe(12)
        # consoles of one session may share a database: numbers alone would collide
        name = f"{prefix}{next(self._numbers)}-{secrets.token_hex(3)}"
        member = self.staff.add(name, display_name, role, password)
        return StaffLogin(member, password)

    def signed_in(self, role: str = "agent") -> Tuple[ConsoleClient, StaffLogin]:
        """A client already signed in as a new member of ``role``."""
        login = self.new_staff(role)
        client = self.client()
        answer = client.login(login.username, login.password)
        assert answer.status == 302, answer
        return client, login


def console_command(port: int, credentials: Optional[Path] = None) -> List[str]:
    return [sys.executable, "-m", "bot", "console", "--port", str(port),
            *(["--credentials", str(credentials)] if credentials else [])]


def share_embedding_cache(var_dir: Path) -> None:
    """The project's embedding cache in the console's own var folder, as `make run`'s
    console shares it with the servers: its suggestions' FAQ index is then built from
    cached vectors (seconds), not by embedding the whole knowledge base (minutes)."""
    project_cache = ROOT / "var" / "embedding_cache.sqlite3"
    var_dir.mkdir(parents=True, exist_ok=True)
    if project_cache.exists() and not (var_dir / project_cache.name).exists():
        (var_dir / project_cache.name).symlink_to(project_cache.resolve())


@contextmanager
def start_console(workdir: Path, env: Optional[Dict[str, str]] = None,
                  max_failures: int = 3, database_url: Optional[str] = None,
                  credentials: Optional[Path] = None) -> Iterator[ConsoleServer]:
    """Run the console until the block ends, on ``database_url`` (migrated by the
    caller) or on a database migrated here in ``workdir``."""
    if database_url is None:
        database_url = f"sqlite:///{workdir / 'bot.db'}"
        upgrade(database_url)
    share_embedding_cache(workdir / "var")
    port = free_port()
    server_env = {"DATABASE_URL": database_url, "VAR_DIR": str(workdir / "var"),
                  "LOGIN_MAX_FAILURES": str(max_failures), **(env or {})}
    with running(console_command(port, credentials), f"http://127.0.0.1:{port}/healthz", workdir / "console.log",
                 env=server_env, cwd=ROOT) as process:
        yield ConsoleServer(f"http://127.0.0.1:{port}", database_url, process,
                            StaffStore(make_engine(database_url)), max_failures)
