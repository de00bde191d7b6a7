#!/usr/bin/env bash
# Regenerates the initial migrations from the models, one revision per domain (identity, accounts,
# posts, analytics, ai) so each stays readable. Only valid until the first release: after that, add
# new revisions with `alembic revision --autogenerate -m ...`.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f alembic/versions/000*_*.py
export DATABASE_URL="sqlite:///$tmp/empty.db" SOCIALHUB_DATA_DIR="$tmp"
tables=""
prev=""
step() {
  local rev="$1" name="$2" add="$3"
  tables="${tables:+$tables,}$add"
  SOCIALHUB_MIGRATION_TABLES="$tables" .venv/bin/alembic revision --autogenerate --rev-id "$rev" -m "$name" >/dev/null
  .venv/bin/ruff format -q --line-length 120 alembic/versions/${rev}_*.py || true
  .venv/bin/alembic upgrade head >/dev/null
}
step 0001 identity "organizations,users,memberships,sessions,login_failures,audit_log"
step 0002 accounts "social_accounts,oauth_flows,platform_apps,demo_posts"
step 0003 posts "posts,post_targets,media_assets,post_media,queue_slots,scheduler_heartbeats"
step 0004 analytics "analytics_snapshots,account_snapshots,analytics_daily,analytics_rollup_zones,analytics_account_state"
step 0005 ai "ai_providers,personas,prompt_templates,ai_usage"
# Anything not listed above would be missing: the last pass must find nothing new.
.venv/bin/alembic revision --autogenerate --rev-id 9999 -m leftover >/dev/null
if grep -q "op.create_table\|add_column" alembic/versions/9999_leftover.py; then
  echo "tables missing from regen_migration.sh:"; grep "create_table" -A1 alembic/versions/9999_leftover.py; exit 1
fi
rm -f alembic/versions/9999_leftover.py
rm -rf "$tmp"
echo "regenerated alembic/versions/0001..0005"
