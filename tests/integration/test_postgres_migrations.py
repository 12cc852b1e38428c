"""The project's schema on PostgreSQL: from an empty database, from the previous
release's schema with its rows, concurrent upgrades, and the models matching
what the migrations build."""
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.storage.migrate import SchemaNotCurrent, current_revision, head_revision, require_current, upgrade
from bot.storage.models import Base
from tests.support.servers import ROOT

pytestmark = pytest.mark.services

PREVIOUS_RELEASE = "0002"  # before the staff console (0003)
NOW = datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc)


def _tables(url):
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_an_empty_database_is_refused_then_upgraded_to_head(postgres_url):
    with pytest.raises(SchemaNotCurrent, match="db-upgrade"):
        require_current(postgres_url)
    upgrade(postgres_url)
    require_current(postgres_url)
    assert {"tickets", "transcript_messages", "webchat_outbox", "ticket_notes", "ticket_audit",
            "staff", "staff_sessions", "login_failures", "integration_tokens"} <= _tables(postgres_url)


def test_the_models_match_what_the_migrations_build(postgres_url):
    upgrade(postgres_url)
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def _insert_previous_release_rows(url):
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            for number, status in (("T1", "open"), ("T2", "in_progress"), ("T3", "closed")):
                connection.execute(sa.text(
                    "INSERT INTO tickets (number, handoff_key, sender_id, channel, status, priority, "
                    "handoff_reason, diagnostics, sla_due_at, created_at, updated_at) VALUES "
                    "(:n, :k, 'u1', 'rest', :s, 'P2', 'request_human', '{}', :t, :t, :t)"),
                    {"n": number, "k": f"key-{number}", "s": status, "t": NOW})
            ticket_id = connection.execute(sa.text("SELECT id FROM tickets WHERE number='T1'")).scalar()
            connection.execute(sa.text(
                "INSERT INTO transcript_messages (ticket_id, position, role, text) "
                "VALUES (:t, 0, 'user', '转账失败')"), {"t": ticket_id})
            connection.execute(sa.text(
                "INSERT INTO webchat_outbox (sender_id, role, text, extra, created_at) "
                "VALUES ('wc-1', 'user', '你好', '{}', :t)"), {"t": NOW})
    finally:
        engine.dispose()


def test_the_previous_release_is_upgraded_with_its_rows(postgres_url):
    upgrade(postgres_url, PREVIOUS_RELEASE)
    _insert_previous_release_rows(postgres_url)
    with pytest.raises(SchemaNotCurrent, match=f"is at schema {PREVIOUS_RELEASE}"):
        require_current(postgres_url)

    upgrade(postgres_url)

    assert current_revision(postgres_url) == head_revision()
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as connection:
            statuses = dict(connection.execute(sa.text("SELECT number, status FROM tickets")).all())
            transcript = connection.execute(sa.text("SELECT text FROM transcript_messages")).scalars().all()
            outbox = connection.execute(sa.text("SELECT text FROM webchat_outbox")).scalars().all()
            synced = connection.execute(sa.text("SELECT DISTINCT synced_until FROM tickets")).scalars().all()
    finally:
        engine.dispose()
    assert statuses == {"T1": "waiting", "T2": "assigned", "T3": "closed"}
    assert transcript == ["转账失败"] and outbox == ["你好"] and synced == [0.0]


def test_head_downgrades_to_the_previous_release_and_back(postgres_url):
    from alembic import command

    from bot.storage.migrate import alembic_config

    upgrade(postgres_url)
    command.downgrade(alembic_config(postgres_url), PREVIOUS_RELEASE)
    assert current_revision(postgres_url) == PREVIOUS_RELEASE and "staff" not in _tables(postgres_url)
    upgrade(postgres_url)
    require_current(postgres_url)


def test_concurrent_upgrades_of_an_empty_database_wait_for_each_other(postgres_url):
    commands = [[sys.executable, "-m", "bot", "db-upgrade", "--url", postgres_url] for _ in range(4)]
    with ThreadPoolExecutor(len(commands)) as pool:
        results = list(pool.map(lambda c: subprocess.run(c, cwd=ROOT, capture_output=True, text=True),
                                commands))
    assert [r.returncode for r in results] == [0] * len(commands), \
        [r.stderr[-800:] for r in results if r.returncode]
    require_current(postgres_url)


def test_rasa_stores_starting_at_once_create_the_events_table_without_errors(postgres_url, caplog):
    """Workers starting together on a fresh database: one creates Rasa's table, none logs an error."""
    import logging
    import threading

    from rasa.shared.core.domain import Domain

    from bot.rasa_ext.tracker_store import CachedSQLTrackerStore

    start = threading.Barrier(6)

    def start_worker(_: int) -> CachedSQLTrackerStore:
        start.wait()
        return CachedSQLTrackerStore(Domain.empty(), dialect="postgresql", host=postgres_url, cache_size=0)

    with caplog.at_level(logging.ERROR), ThreadPoolExecutor(6) as pool:
        stores = list(pool.map(start_worker, range(6)))
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert "events" in _tables(postgres_url)
    for store in stores:
        store.engine.dispose()
