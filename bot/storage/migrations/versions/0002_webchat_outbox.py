"""web chat outbox: every message shown in a chat window

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webchat_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sender_id", sa.String(200), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_webchat_outbox_sender_id_id", "webchat_outbox", ["sender_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_webchat_outbox_sender_id_id", "webchat_outbox")
    op.drop_table("webchat_outbox")
