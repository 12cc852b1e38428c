"""staff console: conversation ownership, notes, audit trail, staff accounts

Ticket statuses become waiting / assigned / resolved / handed_back / cancelled
(open and in_progress of 0001 are renamed).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

RENAMED = {"open": "waiting", "in_progress": "assigned"}


def _stamp(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("tickets") as tickets:
        tickets.add_column(sa.Column("phone_last4", sa.String(4)))
        tickets.add_column(sa.Column("synced_until", sa.Float(), nullable=False, server_default="0"))
        tickets.add_column(sa.Column("resolution_note", sa.Text()))
        tickets.add_column(_stamp("assigned_at"))
        tickets.add_column(_stamp("first_response_at"))
        tickets.add_column(_stamp("closed_at"))
        tickets.create_index("ix_tickets_phone_last4", ["phone_last4"])
    for old, new in RENAMED.items():
        op.execute(sa.text("UPDATE tickets SET status = :new WHERE status = :old").bindparams(new=new, old=old))
    with op.batch_alter_table("transcript_messages") as messages:
        messages.add_column(sa.Column("author", sa.String(100)))
        messages.add_column(sa.Column("delivery", sa.String(20)))
        messages.add_column(sa.Column("delivery_note", sa.Text()))

    op.create_table(
        "ticket_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _stamp("created_at", nullable=False),
    )
    op.create_index("ix_ticket_notes_ticket_id", "ticket_notes", ["ticket_id"])
    op.create_table(
        "ticket_audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        _stamp("at", nullable=False),
    )
    op.create_index("ix_ticket_audit_ticket_id", "ticket_audit", ["ticket_id"])
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Integer(), nullable=False),
        _stamp("created_at", nullable=False),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        _stamp("created_at", nullable=False),
        _stamp("expires_at", nullable=False),
    )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        _stamp("at", nullable=False),
    )
    op.create_index("ix_login_failures_username", "login_failures", ["username"])
    op.create_index("ix_login_failures_address", "login_failures", ["address"])
    op.create_table(
        "integration_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        _stamp("created_at", nullable=False),
        _stamp("revoked_at"),
    )


def downgrade() -> None:
    for table in ("integration_tokens", "login_failures", "staff_sessions", "staff",
                  "ticket_audit", "ticket_notes"):
        op.drop_table(table)
    with op.batch_alter_table("transcript_messages") as messages:
        for column in ("delivery_note", "delivery", "author"):
            messages.drop_column(column)
    for old, new in RENAMED.items():
        op.execute(sa.text("UPDATE tickets SET status = :old WHERE status = :new").bindparams(new=new, old=old))
    with op.batch_alter_table("tickets") as tickets:
        tickets.drop_index("ix_tickets_phone_last4")
        for column in ("closed_at", "first_response_at", "assigned_at", "resolution_note",
                       "synced_until", "phone_last4"):
            tickets.drop_column(column)
