"""model registry: models trained in the console, their figures and activations

Revision ID: 0007_models_registry
Revises: 0006_kb_faq_versions
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_models_registry"
down_revision = "0006_kb_faq_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_registry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("file_name", sa.String(200)),
        sa.Column("trained_by", sa.String(100), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("data_version", sa.String(64), nullable=False, server_default=""),
        sa.Column("approved_examples", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False, server_default="training"),
        sa.Column("gate_passed", sa.Integer()),
        sa.Column("override_reason", sa.Text()),
        sa.Column("error", sa.Text()),
    )
    op.create_index("ix_model_registry_status", "model_registry", ["status"])
    op.create_table(
        "model_activations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("model_id", sa.Integer(), sa.ForeignKey("model_registry.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("activated_by", sa.String(100), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("override_reason", sa.Text()),
    )
    op.create_index("ix_model_activations_model_id", "model_activations", ["model_id"])


def downgrade() -> None:
    op.drop_index("ix_model_activations_model_id", "model_activations")
    op.drop_table("model_activations")
    op.drop_index("ix_model_registry_status", "model_registry")
    op.drop_table("model_registry")
