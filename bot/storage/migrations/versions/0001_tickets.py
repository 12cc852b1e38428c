"""tickets and transcript messages

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.String(20), nullable=False, unique=True),
        sa.Column("handoff_key", sa.String(200), nullable=False, unique=True),
        sa.Column("sender_id", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(50), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("priority", sa.String(2), nullable=False),
        sa.Column("intent", sa.String(100)),
        sa.Column("intent_confidence", sa.Float()),
        sa.Column("handoff_reason", sa.String(100), nullable=False),
        sa.Column("diagnostics", sa.JSON(), nullable=False),
        sa.Column("sla_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_agent", sa.String(100)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_tickets_sender_id", "tickets", ["sender_id"])
    op.create_index("ix_tickets_status", "tickets", ["status"])
    op.create_table(
        "transcript_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("intent", sa.String(100)),
        sa.Column("confidence", sa.Float()),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("ticket_id", "position"),
    )


def downgrade() -> None:
    op.drop_table("transcript_messages")
    op.drop_index("ix_tickets_status", "tickets")
    op.drop_index("ix_tickets_sender_id", "tickets")
    op.drop_table("tickets")
