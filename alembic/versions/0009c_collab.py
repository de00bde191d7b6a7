"""collab: comments, notifications, audit-log index

Revision ID: 0009c
Revises: 0008w
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "0009c"
down_revision = "0008w"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comments",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_comments_post_created", "comments", ["post_id", "created_at"], unique=False)
    op.create_index(op.f("ix_comments_organization_id"), "comments", ["organization_id"], unique=False)
    op.create_table(
        "notifications",
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("read_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_notifications_user_org_read", "notifications", ["user_id", "organization_id", "read_at"], unique=False
    )
    op.create_index(
        "ix_notifications_user_org_created", "notifications", ["user_id", "organization_id", "created_at"], unique=False
    )
    op.create_index("ix_audit_log_org_created", "audit_log", ["organization_id", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_log_org_created", table_name="audit_log")
    op.drop_index("ix_notifications_user_org_created", table_name="notifications")
    op.drop_index("ix_notifications_user_org_read", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index(op.f("ix_comments_organization_id"), table_name="comments")
    op.drop_index("ix_comments_post_created", table_name="comments")
    op.drop_table("comments")
