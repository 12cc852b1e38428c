"""faq versions: the knowledge base edited in the console, and which version is published

Revision ID: 0006_kb_faq_versions
Revises: 0005_live_inbox
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_kb_faq_versions"
down_revision = "0005_live_inbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faq_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Text(), nullable=False),
        sa.Column("summary", sa.String(500), nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("parent_id", name="uq_faq_versions_parent_id"),
    )
    op.create_table(
        "faq_publications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("faq_versions.id"), nullable=False),
        sa.Column("published_by", sa.String(100), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("faq_publications")
    op.drop_table("faq_versions")
