"""`python -m bot remask`: rows stored before masking covered them are masked in place, once."""
import asyncio
import json

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered

from bot.cli import main
from bot.pii import default_redactor
from bot.storage.engine import make_engine
from bot.storage.outbox import Outbox
from bot.storage.remask import remask
from bot.storage.tickets import NewMessage, TicketStore
from tests.support.servers import ROOT
from tests.support.tickets import new_ticket

CARD_BAD_LUHN, PHONE, PASSWORD = "6222021234567890127", "13812345678", "Abc12345"
RAW = [CARD_BAD_LUHN, PHONE, PASSWORD]


@pytest.fixture
def stores(migrated_db_url, tmp_path):
    """A database and a tracker store written as an older version left them: secrets whole."""
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    rasas = SQLTrackerStore(domain=Domain.load(str(ROOT / "domain.yml")), dialect="sqlite",
                            db=str(tmp_path / "tracker.db"))
    tracker = rasas.init_tracker("old-customer")
    text = f"卡号{CARD_BAD_LUHN} 手机{PHONE} 密码是{PASSWORD}"
    tracker.update(UserUttered(text, {"name": "inform", "confidence": 0.9},
                               [{"entity": "error_code", "start": text.index(PASSWORD),
                                 "end": len(text), "value": PASSWORD}]))
    tracker.update(SlotSet("account_phone", PHONE))
    asyncio.run(rasas.save(tracker))
    database = make_engine(migrated_db_url)
    Outbox(database).append("old-customer", "user", f"卡号{CARD_BAD_LUHN}")
    TicketStore(database).create(new_ticket(
        diagnostics={"银行卡": CARD_BAD_LUHN, "更多": [f"手机 {PHONE}"]},
        messages=[NewMessage("user", f"卡号{CARD_BAD_LUHN}")]))
    return database, make_engine(tracker_url), migrated_db_url, tracker_url


def everything(database, tracker) -> str:
    dumped = []
    for engine in (database, tracker):
        with engine.connect() as connection:
            for table in sa.inspect(engine).get_table_names():
                dumped += [json.dumps([str(v) for v in row], ensure_ascii=False)
                           for row in connection.execute(sa.text(f"SELECT * FROM {table}"))]
    return "\n".join(dumped)


def test_a_dry_run_counts_and_writes_nothing(stores):
    database, tracker, *_ = stores
    before = everything(database, tracker)
    counts = remask(database, tracker, default_redactor(), dry_run=True)
    assert counts["tracker_events"] == 2 and counts["webchat_outbox.text"] == 1
    assert counts["transcript_messages.text"] == 1 and counts["tickets.diagnostics"] == 1
    assert everything(database, tracker) == before


def test_remasking_leaves_no_secret_and_a_second_run_changes_nothing(stores):
    database, tracker, *_ = stores
    assert [raw for raw in RAW if raw in everything(database, tracker)] == RAW
    remask(database, tracker, default_redactor())
    stored = everything(database, tracker)
    assert [raw for raw in RAW if raw in stored] == []
    assert "138****5678" in stored and "6222***********0127" in stored
    assert set(remask(database, tracker, default_redactor()).values()) == {0}


def test_the_command_reads_both_databases_from_the_environment(stores, monkeypatch, capsys, tmp_path):
    database, tracker, database_url, tracker_url = stores
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp_path / 'tracker.db'}\n",
                         encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ENDPOINTS_FILE", str(endpoints))
    assert main(["remask", "--dry-run"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"]["tracker_events"] == 2
    assert main(["remask"]) == 0
    assert [raw for raw in RAW if raw in everything(database, tracker)] == []
