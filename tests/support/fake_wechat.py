"""A local stand-in for the WeChat platform API (access token, customer-service
send), run in a background thread so both in-process tests and a `rasa run`
subprocess can reach it. Nothing here talks to the internet."""
from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any, Dict, List, Optional

from aiohttp import web

from tests.support.processes import free_port


class FakeWeChatApi:
    def __init__(self, app_id: str = "wx-test-app", secret: str = "test-secret",
                 expires_in: int = 7200) -> None:
        self.app_id = app_id
        self.secret = secret
        self.expires_in = expires_in
        self.token_calls = 0
        self.token_delay = 0.0
        self.valid_tokens: set = set()
        self.fail_sends: List[int] = []  # errcodes for the next sends, one each (0: succeed)
        self.sent: List[Dict[str, Any]] = []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._changed = threading.Condition()
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._runner: Optional[web.AppRunner] = None
        self._thread: Optional[threading.Thread] = None

    # --- control from tests --------------------------------------------------

    def expire_tokens(self) -> None:
        self.valid_tokens.clear()

    def wait_for_sent(self, count: int, timeout: float = 10.0) -> List[Dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.sent) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} sends, got {self.sent}")
                self._changed.wait(left)
            return list(self.sent)

    def sent_to(self, openid: str) -> List[Dict[str, Any]]:
        return [m for m in self.sent if m.get("touser") == openid]

    # --- handlers --------------------------------------------------------------

    async def _token(self, request: web.Request) -> web.Response:
        if self.token_delay:
            await asyncio.sleep(self.token_delay)
        self.token_calls += 1
        query = request.query
        if query.get("grant_type") != "client_credential" or query.get("appid") != self.app_id \
                or query.get("secret") != self.secret:
            return web.json_response({"errcode": 40013, "errmsg": "invalid appid"})
        token = f"token-{self.token_calls}"
        self.valid_tokens.add(token)
        return web.json_response({"access_token": token, "expires_in": self.expires_in})

    async def _send(self, request: web.Request) -> web.Response:
        if request.query.get("access_token") not in self.valid_tokens:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        code = self.fail_sends.pop(0) if self.fail_sends else 0
        if code:  # 0: this send goes through
            if code in (40001, 42001):
                self.valid_tokens.discard(request.query["access_token"])
            return web.json_response({"errcode": code, "errmsg": f"failed for 13812345678 ({code})"})
        body = json.loads((await request.read()).decode("utf-8"))
        with self._changed:
            self.sent.append(body)
            self._changed.notify_all()
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    # --- lifecycle ---------------------------------------------------------------

    def start(self) -> "FakeWeChatApi":
        started = threading.Event()

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            app = web.Application()
            app.router.add_get("/cgi-bin/token", self._token)
            app.router.add_post("/cgi-bin/message/custom/send", self._send)
            self._runner = web.AppRunner(app)
            self._loop.run_until_complete(self._runner.setup())
            self._loop.run_until_complete(web.TCPSite(self._runner, "127.0.0.1", self.port).start())
            started.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._runner.cleanup())
            self._loop.close()

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        assert started.wait(10), "fake WeChat API did not start"
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
