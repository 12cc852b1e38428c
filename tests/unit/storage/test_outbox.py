import pytest

from bot.cli import main
from bot.push import push_to_customer
from bot.storage.engine import make_engine
from bot.storage.outbox import Outbox


@pytest.fixture
def outbox(migrated_db_url):
    return Outbox(make_engine(migrated_db_url))


def test_rows_are_kept_per_sender_in_order(outbox):
    first = outbox.append("a", "user", "收不到验证码", {"client_id": "c1"})
    outbox.append("b", "user", "别人的消息")
    second = outbox.append("a", "bot", "请检查信号", {"buttons": [{"title": "好", "payload": "/affirm"}]})
    assert [m["text"] for m in outbox.history("a")] == ["收不到验证码", "请检查信号"]
    assert outbox.history("a")[0]["client_id"] == "c1"
    assert outbox.after("a", first["id"]) == [second]
    assert second["buttons"][0]["payload"] == "/affirm"
    assert outbox.after("a", second["id"]) == []


def test_history_is_the_latest_messages(outbox):
    for n in range(5):
        outbox.append("a", "bot", f"m{n}")
    assert [m["text"] for m in outbox.history("a", limit=2)] == ["m3", "m4"]


def test_unknown_role_is_refused(outbox):
    with pytest.raises(ValueError):
        outbox.append("a", "admin", "hi")


def test_push_to_customer_uses_the_tickets_database(migrated_db_url, outbox, monkeypatch):
    row = push_to_customer(migrated_db_url, "wc-anon-1", " 您好，我是客服小王 ")
    assert row["role"] == "staff" and row["text"] == "您好，我是客服小王"
    assert outbox.history("wc-anon-1") == [row]


def test_push_command(migrated_db_url, outbox, capsys):
    assert main(["push", "wc-anon-2", "工单已处理", "--url", migrated_db_url]) == 0
    assert "queued" in capsys.readouterr().out
    assert [m["text"] for m in outbox.history("wc-anon-2")] == ["工单已处理"]
