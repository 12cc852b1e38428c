"""The real action server: private, warmed up before it serves, and never stalled by one slow customer."""
import json
import sqlite3
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.rest import post_json
from tests.support.servers import ACTION_SERVER_TOKEN, action_webhook
from tests.support.tickets import tickets_of


def test_the_real_action_server_warms_up_before_serving(action_server_url, tmp_path_factory):
    logs = list(tmp_path_factory.getbasetemp().glob("actions*/actions.log"))
    assert logs, "the action_server_url fixture writes its log next to the session's temp files"
    text = "".join(log.read_text(encoding="utf-8") for log in logs)
    assert "Action server warmed up in" in text
    assert "out of garbage collection" in text


def action_call(action: str, sender: str, text: str, intent: str) -> dict:
    """The request Rasa sends the action server after one customer message."""
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.95},
             "intent_ranking": [{"name": intent, "confidence": 0.95}], "entities": []}
    events = [{"event": "action", "name": "action_listen"},
              {"event": "user", "text": text, "timestamp": time.time(), "parse_data": parse,
               "input_channel": "rest"}]
    tracker = {"sender_id": sender, "slots": {}, "latest_message": parse, "events": events,
               "paused": False, "followup_action": None, "active_loop": {},
               "latest_action_name": "action_listen"}
    return {"next_action": action, "sender_id": sender, "tracker": tracker, "domain": {},
            "version": "3.6.21"}


def call(url: str, action: str, sender: str, text: str, intent: str) -> dict:
    return post_json(action_webhook(url), action_call(action, sender, text, intent), timeout=60)


def test_a_slow_ticket_write_does_not_delay_another_customer(action_server_url, tickets_db):
    sender = f"slow-{uuid.uuid4().hex[:8]}"
    blocker = sqlite3.connect(tickets_db, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # every ticket write waits until this commits
    try:
        with ThreadPoolExecutor(1) as pool:
            handoff = pool.submit(call, action_server_url, "action_handoff_to_human", sender,
                                  "转人工", "request_human")
            time.sleep(0.5)  # the handoff is now waiting for the database
            started = time.perf_counter()
            answer = call(action_server_url, "action_lookup_faq", "another-customer",
                          "验证码一直收不到怎么办", "sms_code_delay")
            waited = time.perf_counter() - started
            assert not handoff.done()
            blocker.execute("COMMIT")
            created = handoff.result(timeout=60)
    finally:
        blocker.close()
    assert answer["responses"] and waited < 1.5, f"the other customer waited {waited:.1f} s"
    assert "工单" in created["responses"][-1]["text"]


def test_a_malformed_faq_file_leaves_answers_and_handoffs_working(action_server_url, faq_copy):
    sms = faq_copy / "sms.yml"
    original = sms.read_text(encoding="utf-8")
    try:
        sms.write_text(original[: len(original) // 2] + "\n  - id: [unclosed", encoding="utf-8")
        answer = call(action_server_url, "action_lookup_faq", "faq-broken", "验证码一直收不到怎么办",
                      "sms_code_delay")
        assert answer["responses"], "the last good index still answers"
        handoff = call(action_server_url, "action_handoff_to_human", f"faq-broken-{uuid.uuid4().hex[:6]}",
                       "转人工", "request_human")
        assert "工单" in handoff["responses"][-1]["text"]
    finally:
        sms.write_text(original, encoding="utf-8")


@pytest.mark.parametrize("query", [
    pytest.param("", id="no-token"),
    pytest.param("?token=another-token-0123456789", id="wrong-token"),
    pytest.param(f"?token={ACTION_SERVER_TOKEN[:-1]}", id="token-less-one-character"),
])
def test_a_call_without_rasas_token_is_refused_and_runs_nothing(action_server_url, ticket_store, query):
    sender = f"intruder-{uuid.uuid4().hex[:8]}"
    payload = json.dumps(action_call("action_handoff_to_human", sender, "转人工", "request_human")).encode()
    request = urllib.request.Request(action_server_url + query, data=payload, method="POST",
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 401
    assert tickets_of(ticket_store, sender) == []
    listing = urllib.request.Request(action_server_url.replace("/webhook", "/actions") + query)
    with pytest.raises(urllib.error.HTTPError) as listed:
        urllib.request.urlopen(listing, timeout=30)
    assert listed.value.code == 401


def test_with_rasas_token_the_call_runs_and_health_stays_open(action_server_url, ticket_store):
    sender = f"rasa-{uuid.uuid4().hex[:8]}"
    answer = call(action_server_url, "action_handoff_to_human", sender, "转人工", "request_human")
    assert answer["events"] and len(tickets_of(ticket_store, sender)) == 1
    with urllib.request.urlopen(action_server_url.replace("/webhook", "/health"), timeout=30) as health:
        assert health.status == 200
