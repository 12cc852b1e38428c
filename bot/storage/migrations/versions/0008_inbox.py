"""misunderstood inbox: approved training examples and handled inbox messages

Revision ID: 0008_inbox
Revises: 0007_models_registry
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_inbox"
down_revision = "0007_models_registry"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "approved_examples",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_key", sa.String(100), nullable=False, unique=True),
        sa.Column("sender_id", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("intent", sa.String(100), nullable=False),
        sa.Column("approved_by", sa.String(100), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_approved_examples_sender_id", "approved_examples", ["sender_id"])
    op.create_index("ix_approved_examples_approved_at", "approved_examples", ["approved_at"])
    op.create_table(
        "inbox_handled",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_key", sa.String(100), nullable=False, unique=True),
        sa.Column("sender_id", sa.String(200), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("handled_by", sa.String(100), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_inbox_handled_sender_id", "inbox_handled", ["sender_id"])
    op.create_index("ix_inbox_handled_message_at", "inbox_handled", ["message_at"])


def downgrade() -> None:
    op.drop_index("ix_inbox_handled_message_at", "inbox_handled")
    op.drop_index("ix_inbox_handled_sender_id", "inbox_handled")
    op.drop_table("inbox_handled")
    op.drop_index("ix_approved_examples_approved_at", "approved_examples")
    op.drop_index("ix_approved_examples_sender_id", "approved_examples")
    op.drop_table("approved_examples")
