"""The production profile end to end: `python -m bot run-prod` with two Rasa servers
and two action servers behind nginx, on a fresh PostgreSQL database and Redis.

Started once for the module (about a minute); the fault test kills a worker, so
it runs last."""
from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List, Tuple

import aiohttp
import pytest
import redis
import sqlalchemy as sa
import yaml
from sqlalchemy.engine import make_url

from bot.pii import redact
from bot.storage.engine import make_engine
from bot.storage.staff import StaffStore
from tests.support.prod_profile import ProdProfile, start_profile
from tests.support.secrets import MESSAGES, found_in
from tests.support.servers import ROOT, api
from tests.support.services import in_ci, postgres_database
from tests.support.webchat import new_session
from tests.support.webchat import send as webchat_send
from tests.support.wechat_platform import Platform, http, reply_content, text_xml

pytestmark = [pytest.mark.model, pytest.mark.services]

TICKET_NUMBER = re.compile(r"T\d{8}-\d{4}")
FILLERS = ["你好", "谢谢", "再见"]


@pytest.fixture(scope="module")
def profile(tmp_path_factory, model_path, postgres_server, redis_url):
    from bot.proxy import NginxMissing, nginx_binary

    try:
        nginx_binary()
    except NginxMissing as error:
        if in_ci():
            pytest.fail(f"{error}; CI=true, so this is a failure, not a skip")
        pytest.skip(str(error))
    with postgres_database(postgres_server, "bot_prod") as database_url:
        started = start_profile(tmp_path_factory.mktemp("prod"), model_path, database_url, redis_url)
        try:
            yield started
        finally:
            started.stop()


def scripts() -> List[List[str]]:
    """The benchmark conversations, each made ten messages long."""
    conversations = yaml.safe_load((ROOT / "bench" / "conversations.yml").read_text(encoding="utf-8"))
    return [[str(t) for t in (c + FILLERS * 4)[:10]] for c in conversations["conversations"]]


def user_texts(tracker: Dict[str, Any]) -> List[str]:
    return [e.get("text") for e in tracker["events"] if e.get("event") == "user"]


def as_stored(texts: List[str]) -> List[str]:
    """What the tracker store keeps of the customer's messages: secrets masked (138****5678)."""
    return [redact(text) for text in texts]


def actions(tracker: Dict[str, Any]) -> List[str]:
    """The actions the conversation ran (bot texts vary: responses have variations)."""
    return [e["name"] for e in tracker["events"] if e.get("event") == "action"]


Turn = Tuple[str, int, int, List[Dict[str, Any]]]  # sender, index, status, messages


async def converse(session: aiohttp.ClientSession, url: str, sender: str, texts: List[str],
                   retry_for: float = 0.0) -> List[Turn]:
    """Send ``texts`` in order; a failed turn is retried (same text) for ``retry_for`` seconds."""
    turns: List[Turn] = []
    for index, text in enumerate(texts):
        deadline = time.monotonic() + retry_for
        while True:
            try:
                async with session.post(f"{url}/webhooks/rest/webhook",
                                        json={"sender": sender, "message": text}) as response:
                    body = await response.json(content_type=None) if response.status == 200 else []
                    turns.append((sender, index, response.status, body))
                    ok = response.status == 200
            except (aiohttp.ClientError, asyncio.TimeoutError):
                turns.append((sender, index, 0, []))
                ok = False
            if ok or time.monotonic() >= deadline:
                break
            await asyncio.sleep(0.2)
    return turns


async def load(url: str, conversations: Dict[str, List[str]], retry_for: float = 0.0) -> List[Turn]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60),
                                     connector=aiohttp.TCPConnector(limit=200)) as session:
        results = await asyncio.gather(*(converse(session, url, sender, texts, retry_for)
                                         for sender, texts in conversations.items()))
    return [turn for turns in results for turn in turns]


def tickets_by_sender(database_url: str) -> Dict[str, List[str]]:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT sender_id, number FROM tickets")).all()
    finally:
        engine.dispose()
    found: Dict[str, List[str]] = {}
    for sender, number in rows:
        found.setdefault(sender, []).append(number)
    return found


def test_fifty_conversations_of_ten_messages_over_two_workers(profile: ProdProfile):
    all_scripts = scripts()
    conversations = {f"load-{i:02d}-{uuid.uuid4().hex[:6]}": all_scripts[i % len(all_scripts)]
                     for i in range(50)}
    # What each script does when it is alone on one worker, one message at a time
    alone = {i: f"ref-{i}-{uuid.uuid4().hex[:6]}" for i in range(len(all_scripts))}
    asyncio.run(load(profile.worker_url(0), {alone[i]: script for i, script in enumerate(all_scripts)}))
    reference = {i: actions(profile.tracker(sender)) for i, sender in alone.items()}
    started = time.monotonic()
    turns = asyncio.run(load(profile.url, conversations))
    seconds = time.monotonic() - started

    assert [t for t in turns if t[2] != 200] == []
    assert len(turns) == 500  # one answer per message
    with ThreadPoolExecutor(8) as pool:
        trackers = dict(zip(conversations, pool.map(profile.tracker, conversations)))
    for i, (sender, texts) in enumerate(conversations.items()):
        assert user_texts(trackers[sender]) == as_stored(texts), sender  # its own messages, in order, once each
        assert actions(trackers[sender]) == reference[i % len(all_scripts)], sender  # as if it were alone
    served = profile.requests_per_worker()
    assert all(served.get(port, 0) > 100 for port in profile.rasa_ports), served
    log = profile.log_text()
    errors = [line for line in log.splitlines() if " ERROR " in line or "[error]" in line
              or "Traceback" in line]
    assert errors == []
    tickets = tickets_by_sender(profile.database_url)
    numbers = [number for found in tickets.values() for number in found]
    assert len(numbers) == len(set(numbers))
    for sender in conversations:
        announced = {n for _, _, _, body in (t for t in turns if t[0] == sender)
                     for m in body for n in TICKET_NUMBER.findall(m.get("text") or "")}
        assert set(tickets.get(sender, [])) == announced, sender  # each handoff exactly one ticket
    assert numbers, "no conversation reached a handoff"
    print(f"\n500 turns in {seconds:.1f} s ({500 / seconds:.0f} turns/s), {len(numbers)} tickets")


def test_a_conversation_alternating_between_workers_reads_every_event(profile: ProdProfile):
    """Each worker's tracker cache goes stale on every turn; the fingerprint check reloads it."""
    script = scripts()[1]  # transfer problem, diagnostics form, handoff
    alternating, single = f"alt-{uuid.uuid4().hex[:8]}", f"one-{uuid.uuid4().hex[:8]}"

    async def run() -> Tuple[List[Turn], List[Turn]]:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
            switched: List[Turn] = []
            for index, text in enumerate(script):
                switched += await converse(session, profile.worker_url(index % 2), alternating, [text])
            return switched, await converse(session, profile.worker_url(0), single, script)

    switched, _ = asyncio.run(run())
    assert [t[2] for t in switched] == [200] * len(script)
    expected = actions(profile.tracker(single))
    for base in (profile.worker_url(0), profile.worker_url(1)):
        tracker = profile.tracker(alternating, base)
        assert user_texts(tracker) == as_stored(script) and actions(tracker) == expected
    tickets = tickets_by_sender(profile.database_url)
    assert len(tickets.get(alternating, [])) == len(tickets.get(single, [])) == 1


def test_one_wechat_message_delivered_to_both_workers_at_once_reaches_rasa_once(profile: ProdProfile):
    platform = Platform()
    sender = f"o-prod-{uuid.uuid4().hex[:8]}"
    xml = text_xml(sender, "转账失败了怎么办", msg_id=str(uuid.uuid4().int % 10**12))
    urls = [profile.worker_url(i) + "/webhooks/wechat/webhook" for i in (0, 1, 0, 1)]
    with ThreadPoolExecutor(len(urls)) as pool:  # the platform's retries, landing on different workers
        results = list(pool.map(lambda url: http("POST", url, platform.query(), xml), urls))
    assert [status for status, _ in results] == [200] * len(urls)
    replies = [body for _, body in results if body != "success"]
    assert len(replies) == 1 and "转账" in reply_content(replies[0])
    assert user_texts(profile.tracker(sender)) == ["转账失败了怎么办"]


def test_every_action_server_refuses_a_call_without_rasas_token(profile: ProdProfile):
    """Conversations reach their actions (the other tests); nobody else does."""
    for rasa_port in profile.rasa_ports:  # each worker's action server is 50 ports above its Rasa
        base = f"http://127.0.0.1:{rasa_port + 50}"
        assert http("GET", f"{base}/health", {})[0] == 200
        status, _ = http("POST", f"{base}/webhook", {}, '{"next_action": "action_handoff_to_human"}')
        assert status == 401


def redis_value(client: redis.Redis, key: bytes) -> Any:
    """A key's whole value, whatever its type."""
    read = {b"string": client.get, b"hash": client.hgetall, b"set": client.smembers,
            b"list": lambda k: client.lrange(k, 0, -1), b"zset": lambda k: client.zrange(k, 0, -1)}
    return read.get(client.type(key), lambda _k: b"")(key)


def test_no_secret_reaches_postgresql_redis_or_the_log(profile: ProdProfile, redis_url):
    """The same secrets as tests/security/test_secrets_never_stored.py, through each channel of
    the production profile; then a dump of the database, every Redis key and value, the log."""
    rest_sender = f"secret-rest-{uuid.uuid4().hex[:8]}"
    assert [t[2] for t in asyncio.run(load(profile.url, {rest_sender: MESSAGES}))] == [200] * len(MESSAGES)
    window = new_session(profile.url)
    assert [webchat_send(profile.url, window["token"], text)[0] for text in MESSAGES] == [200] * len(MESSAGES)
    platform, follower = Platform(), f"o-secret-{uuid.uuid4().hex[:8]}"
    for n, text in enumerate(MESSAGES):
        xml = text_xml(follower, text, msg_id=str(uuid.uuid4().int % 10**12 + n))
        assert http("POST", profile.url + "/webhooks/wechat/webhook", platform.query(), xml)[0] == 200
    assert len(user_texts(profile.tracker(rest_sender))) == len(MESSAGES)

    libpq_url = make_url(profile.database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    dump = subprocess.run(["pg_dump", "--data-only", libpq_url], capture_output=True, check=True).stdout
    assert b"secret-rest-" in dump and found_in(dump) == []
    client = redis.Redis.from_url(redis_url)
    stored = [key + b"=" + repr(redis_value(client, key)).encode() for key in client.scan_iter(count=1000)]
    assert found_in(b"\n".join(stored)) == []
    assert found_in(profile.log_text().encode()) == []


def _model_file(base: str) -> str:
    """The model a worker serves ("" when it does not answer within 10 s)."""
    try:
        with urllib.request.urlopen(base + api("/status"), timeout=10) as response:
            return str(json.loads(response.read().decode("utf-8"))["model_file"])
    except OSError:  # URLError, a timeout
        return ""


def _ready_candidate(profile: ProdProfile, model_path: Path) -> int:
    """A model in the registry, ready to activate: the session's model under a console name
    (the same figures, so no conversation changes course; a training is tested in
    tests/browser/test_console_models.py)."""
    from bot.storage.engine import make_engine
    from bot.storage.models_registry import ModelRegistry

    assert profile.var_dir is not None
    registry = ModelRegistry(make_engine(profile.database_url))
    entry = registry.start("prod-test", "v-prod", 0)
    name = f"console-{entry.id}-prodtest.tar.gz"
    (profile.var_dir / "models").mkdir(parents=True, exist_ok=True)
    shutil.copy(model_path, profile.var_dir / "models" / name)
    registry.finish(entry.id, name, {"candidate": {}}, True)
    return entry.id


def test_activation_under_load_reaches_every_worker_and_loses_no_message(profile: ProdProfile, model_path):
    from tests.support.console import ConsoleClient

    candidate = _ready_candidate(profile, model_path)
    password = uuid.uuid4().hex
    admin = f"lead-{uuid.uuid4().hex[:6]}"
    StaffStore(make_engine(profile.database_url)).add(admin, "李主管", "admin", password)
    lead = ConsoleClient(profile.console_url, timeout=30)
    assert lead.login(admin, password).status == 302
    assert "模型训练" in lead.get("/admin/models").body
    before = {_model_file(profile.worker_url(i)) for i in range(2)}
    assert before == {model_path.name}
    all_scripts = scripts()
    conversations: Dict[str, List[str]] = {}
    turns: List[Turn] = []
    reached: Dict[int, float] = {}

    def activate_then_watch() -> float:
        time.sleep(3)  # the load is under way
        answer = lead.post_form(f"/admin/models/{candidate}/activate", {})
        assert answer.status == 303, answer
        activated = time.monotonic()
        while len(reached) < 2 and time.monotonic() - activated < 60:
            for i in range(2):
                if i not in reached and _model_file(profile.worker_url(i)) == \
                        f"console-{candidate}-prodtest.tar.gz":
                    reached[i] = time.monotonic() - activated
            time.sleep(0.5)
        return activated

    with ThreadPoolExecutor(1) as pool:
        watcher = pool.submit(activate_then_watch)
        while not watcher.done() or not conversations:  # ten customers talking until both workers swapped
            customers = {f"swap-{i:02d}-{uuid.uuid4().hex[:6]}": all_scripts[i % len(all_scripts)] for i in range(10)}
            conversations.update(customers)
            turns += asyncio.run(load(profile.url, customers))
        watcher.result()
    assert [t for t in turns if t[2] != 200] == []
    assert len(turns) == 10 * len(conversations)  # every message answered
    for sender, texts in conversations.items():
        assert user_texts(profile.tracker(sender)) == as_stored(texts), sender  # each once, in order
    assert sorted(reached) == [0, 1] and max(reached.values()) <= 30, reached
    rollback = lead.get("/admin/models")
    assert "回滚到上一个模型" in rollback.body
    assert lead.post_form("/admin/models/rollback", {}).status == 303  # back to the model the workers started with
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and any(_model_file(profile.worker_url(i)) not in before
                                              for i in range(2)):
        time.sleep(1)
    assert all(_model_file(profile.worker_url(i)) in before for i in range(2))


def test_a_worker_killed_under_load_loses_no_answered_message(profile: ProdProfile):
    """SIGKILL rasa-2 while 20 conversations run: every message answered with a 200 is
    in its tracker; an unanswered one, retried by the customer, is answered once."""
    import os
    import signal

    all_scripts = scripts()
    conversations = {f"kill-{i:02d}-{uuid.uuid4().hex[:6]}": all_scripts[i % len(all_scripts)]
                     for i in range(20)}

    async def run() -> List[Turn]:
        running = asyncio.ensure_future(load(profile.url, conversations, retry_for=40))
        await asyncio.sleep(2.0)
        os.kill(profile.worker_pid(1), signal.SIGKILL)
        return await running

    turns = asyncio.run(run())
    failed = [t for t in turns if t[2] != 200]
    assert failed, "the kill hit no request in flight; the test proved nothing"
    answered = {(t[0], t[1]): t for t in turns if t[2] == 200}
    assert len(answered) == 200  # every message got its 200 in the end (after retries)
    silent = [(t[0], conversations[t[0]][t[1]]) for t in answered.values() if not t[3]]
    assert silent == [], [(sender, text, user_texts(profile.tracker(sender))) for sender, text in silent]
    for sender, texts in conversations.items():
        stored = user_texts(profile.tracker(sender))
        # A message whose worker died after storing it but before answering is stored
        # twice (once per try); nothing answered is missing, nothing is out of order.
        assert _in_order_with_retries(stored, as_stored(texts)), (sender, stored)
    assert "exited with code -9; starting it again" in profile.log_text()
    print(f"\n{len(failed)} tries failed when the worker was killed; all answered on retry")


def _in_order_with_retries(stored: List[str], sent: List[str]) -> bool:
    """``stored`` is ``sent`` in order, where a message may repeat right after itself (a retry)."""
    extra, position = 0, 0
    for text in stored:
        if position < len(sent) and text == sent[position]:
            position += 1
        elif position and text == sent[position - 1]:
            extra += 1
        else:
            return False
    return position == len(sent) and extra <= 2
