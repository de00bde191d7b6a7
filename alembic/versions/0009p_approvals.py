"""approvals: workspace setting, post approval state, preview links

Revision ID: 0009p
Revises: 0009c
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "0009p"
down_revision = "0009c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "approval_settings",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("mode", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("allow_external", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("organization_id"),
    )
    op.create_table(
        "preview_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_preview_links_organization_id"), "preview_links", ["organization_id"], unique=False)
    op.create_index(op.f("ix_preview_links_post_id"), "preview_links", ["post_id"], unique=False)
    op.create_index(op.f("ix_preview_links_token_hash"), "preview_links", ["token_hash"], unique=True)
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("approval_state", sqlmodel.sql.sqltypes.AutoString(length=20), server_default="none", nullable=False)
        )
        batch_op.add_column(sa.Column("approved_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("reviewer_name", sqlmodel.sql.sqltypes.AutoString(length=120), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("reviewed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("review_note", sa.Text(), server_default="", nullable=False))
        batch_op.create_foreign_key("fk_posts_reviewed_by_users", "users", ["reviewed_by"], ["id"])
        batch_op.create_index("ix_posts_approval", ["approval_state", "organization_id", "submitted_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index("ix_posts_approval")
        batch_op.drop_constraint("fk_posts_reviewed_by_users", type_="foreignkey")
        for column in ("review_note", "reviewed_at", "reviewer_name", "reviewed_by", "submitted_at",
                       "approved_version", "approval_state"):
            batch_op.drop_column(column)
    op.drop_index(op.f("ix_preview_links_token_hash"), table_name="preview_links")
    op.drop_index(op.f("ix_preview_links_post_id"), table_name="preview_links")
    op.drop_index(op.f("ix_preview_links_organization_id"), table_name="preview_links")
    op.drop_table("preview_links")
    op.drop_table("approval_settings")
