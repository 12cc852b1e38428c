"""live inbox: read marks per ticket and person, and who is viewing or typing on a ticket

Revision ID: 0005_live_inbox
Revises: 0004
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_live_inbox"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket_reads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("ticket_id", "username"),
    )
    op.create_table(
        "ticket_presence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("typing_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("ticket_id", "username"),
    )
    op.create_index("ix_ticket_presence_seen_at", "ticket_presence", ["seen_at"])


def downgrade() -> None:
    op.drop_index("ix_ticket_presence_seen_at", "ticket_presence")
    op.drop_table("ticket_presence")
    op.drop_table("ticket_reads")
