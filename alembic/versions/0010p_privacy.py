"""privacy mode and retention: workspace_privacy, posts.content_purged_at / body_sha256

Revision ID: 0010p
Revises: 0009p
"""
import sqlalchemy as sa
import sqlmodel

from alembic import op

revision = "0010p"
down_revision = "0010e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workspace_privacy",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("privacy_mode", sa.Boolean(), nullable=False),
        sa.Column("privacy_since", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("published_content_days", sa.Integer(), nullable=True),
        sa.Column("failed_drafts_days", sa.Integer(), nullable=True),
        sa.Column("snapshot_days", sa.Integer(), nullable=True),
        sa.Column("audit_days", sa.Integer(), nullable=True),
        sa.Column("last_run_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_run_summary", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("organization_id"),
    )
    with op.batch_alter_table("posts") as batch:
        batch.add_column(sa.Column("content_purged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch.add_column(
            sa.Column("body_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.drop_column("body_sha256")
        batch.drop_column("content_purged_at")
    op.drop_table("workspace_privacy")
